// The one error class of the MLS layer. Messages are fixed per code and carry no key, identity
// or message content, so an error is always safe to log.

export type MlsErrorCode =
  /** Bytes that do not decode as the expected MLS structure (garbage, truncated, trailing data). */
  | 'malformed'
  /** A well-formed message of a kind this entry point does not take (e.g. a Welcome where a KeyPackage was expected). */
  | 'wrong_kind'
  /** A cipher suite or protocol version other than the meeting profile's. */
  | 'unsupported_suite'
  /** A signature that does not verify. */
  | 'bad_signature'
  /** A key that cannot be imported or does not match its counterpart. */
  | 'bad_key'
  /** An identity that does not parse as a Conclave identity. */
  | 'bad_identity'
  /** The authentication service refused a credential. */
  | 'not_authenticated'
  /** A group whose external sender is not the server key this client expects. */
  | 'unexpected_external_sender'
  /** A Welcome that is not addressed to this KeyPackage. */
  | 'not_for_us'
  /** The library refused an operation or a message for a protocol reason. */
  | 'protocol'
  /** The operation needs an active membership, and this state has left or been removed. */
  | 'not_active'
  /** Sealed state that does not open under the given key, or stored bytes of an unknown format. */
  | 'state_unreadable'
  /** A caller passed an argument outside the documented range. */
  | 'invalid_argument';

const messages: Record<MlsErrorCode, string> = {
  malformed: 'MLS bytes are malformed',
  wrong_kind: 'MLS message is of an unexpected kind',
  unsupported_suite: 'MLS cipher suite or version is not allowed by the meeting profile',
  bad_signature: 'MLS signature does not verify',
  bad_key: 'MLS key is invalid',
  bad_identity: 'credential identity is not a Conclave identity',
  not_authenticated: 'credential refused by the authentication service',
  unexpected_external_sender: 'group external sender is not the expected server key',
  not_for_us: 'Welcome is not addressed to this KeyPackage',
  protocol: 'MLS operation refused by the protocol rules',
  not_active: 'MLS group state is no longer active',
  state_unreadable: 'stored MLS state cannot be opened',
  invalid_argument: 'invalid argument to the MLS layer',
};

export class MlsError extends Error {
  override readonly name = 'MlsError';
  readonly code: MlsErrorCode;

  constructor(code: MlsErrorCode, options?: { cause?: unknown }) {
    super(messages[code], options);
    this.code = code;
  }
}

/**
 * Runs `fn`, turning anything it throws that is not already an MlsError into one with `code`.
 * Library errors carry free-text messages we do not control, so they only travel as `cause`.
 */
export async function guard<T>(code: MlsErrorCode, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof MlsError) throw error;
    throw new MlsError(code, { cause: error });
  }
}

export function guardSync<T>(code: MlsErrorCode, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof MlsError) throw error;
    throw new MlsError(code, { cause: error });
  }
}
