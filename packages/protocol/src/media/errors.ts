// The one error thrown by the media wire code, and only by the encoders: encoding a field that
// does not fit its wire slot is a bug in the caller. Decoders never throw; they return a typed
// `{ kind: 'error', code }`. Messages name the field, never its value.

export type MediaWireErrorCode = 'invalid_field' | 'too_large';

export class MediaWireError extends Error {
  readonly code: MediaWireErrorCode;
  /** The offending field, e.g. 'streamId'. */
  readonly field: string;
  constructor(code: MediaWireErrorCode, field: string, message: string) {
    super(message);
    this.name = 'MediaWireError';
    this.code = code;
    this.field = field;
  }
}
