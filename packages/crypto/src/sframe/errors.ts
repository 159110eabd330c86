/** Stable codes: callers switch on them, logs may print them. */
export type SFrameErrorCode =
  | 'invalid_argument'
  | 'unsupported_suite'
  | 'backend_unavailable'
  | 'epoch_regressed'
  | 'key_reused'
  | 'closed';

/**
 * The one error class of the SFrame layer. Messages name what went wrong, never a key, a
 * plaintext or an identity, so they are safe to log. Per-frame decryption never throws this
 * (it returns a drop); only configuration mistakes do.
 */
export class SFrameError extends Error {
  override readonly name = 'SFrameError';
  readonly code: SFrameErrorCode;

  constructor(code: SFrameErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
