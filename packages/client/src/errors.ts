// The SDK's one error class. `code` is stable (callers switch on it); the message is fixed per
// code plus, at most, a server's own error code, so it never carries a key, a plaintext or an
// identity and is safe to log.

export type ClientErrorCode =
  /** The client, meeting or connection was closed; pending work is abandoned. */
  | 'closed'
  /** The server could not be reached, or the connection dropped and could not be resumed. */
  | 'connection_failed'
  /** The server refused the token, cookie or device. */
  | 'not_authenticated'
  /** The REST API answered with an error (see `status` and `serverCode`). */
  | 'server'
  /** The server refused the join (see `reasons`). */
  | 'join_blocked'
  /** The server sent something this client does not understand or did not expect. */
  | 'protocol'
  /** No answer in time. */
  | 'timeout'
  /** This participant was removed from the meeting. */
  | 'removed'
  /** The server's external-sender key differs from the one pinned for this server. */
  | 'server_key_changed'
  /** The MLS group could not be created or joined, or a commit could not be processed. */
  | 'group_failed'
  /** The stored device identity cannot be read or does not match the signed-in user. */
  | 'device_unusable'
  /** A caller passed something outside the documented range. */
  | 'invalid_argument'
  /** The call needs a joined meeting. */
  | 'not_joined'
  /** The fingerprint given is not the key this device pinned for that device (or it has none). */
  | 'fingerprint_mismatch';

const messages: Record<ClientErrorCode, string> = {
  closed: 'closed',
  connection_failed: 'cannot reach the Conclave server',
  not_authenticated: 'the server refused the credentials',
  server: 'the server refused the request',
  join_blocked: 'the server refused the join',
  protocol: 'unexpected message from the server',
  timeout: 'no answer in time',
  removed: 'removed from the meeting',
  server_key_changed: "the server's meeting key differs from the one seen before",
  group_failed: 'the end-to-end encrypted group could not be joined or followed',
  device_unusable: 'the stored device identity cannot be used',
  invalid_argument: 'invalid argument',
  not_joined: 'not in a meeting',
  fingerprint_mismatch: 'the fingerprint is not the key seen for that device',
};

export interface BlockReason {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
}

export interface ClientErrorOptions {
  readonly cause?: unknown;
  /** HTTP status of a refused REST request. */
  readonly status?: number;
  /** The server's own error code (REST body, signaling `error`, or a commit rejection). */
  readonly serverCode?: string;
  /** Why a join was blocked, as the server explained it. */
  readonly reasons?: readonly BlockReason[];
}

export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly code: ClientErrorCode;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  readonly reasons: readonly BlockReason[];

  constructor(code: ClientErrorCode, options: ClientErrorOptions = {}) {
    const detail = options.serverCode === undefined ? '' : ` (${options.serverCode})`;
    super(
      `${messages[code]}${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.status = options.status;
    this.serverCode = options.serverCode;
    this.reasons = options.reasons ?? [];
  }
}
