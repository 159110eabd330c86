// The server's one error class. `code` is a stable wire code (@conclave/protocol) that decides the
// HTTP status; `message` is safe to show and to log: it names objects, never secrets or identities.
import { errorStatus } from '@conclave/protocol';
import type { ErrorCode, FieldProblem } from '@conclave/protocol';
import type { Reason } from '@conclave/policy';

export interface ServerErrorDetails {
  fields?: FieldProblem[];
  reasons?: Reason[];
  /** For RATE_LIMITED: sent as the Retry-After header. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class ServerError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldProblem[] | undefined;
  readonly reasons: Reason[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, details: ServerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ServerError';
    this.code = code;
    this.status = errorStatus[code];
    this.fields = details.fields;
    this.reasons = details.reasons;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function notFound(what: string, field?: string): ServerError {
  return new ServerError('NOT_FOUND', `No ${what} with this id.`, {
    ...(field === undefined ? {} : { fields: [{ path: field, message: `unknown ${what}` }] }),
  });
}

export function conflict(message: string): ServerError {
  return new ServerError('CONFLICT', message);
}
