// The CLI's one error class. Its message is shown to the user as-is, so it carries no secret.
export type CliErrorCode = 'usage' | 'invalid_input' | 'not_signed_in' | 'server' | 'network' | 'failed';

const exitCodes: Record<CliErrorCode, number> = {
  usage: 2,
  invalid_input: 2,
  not_signed_in: 3,
  server: 4,
  network: 5,
  failed: 1,
};

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCodes[code];
  }
}
