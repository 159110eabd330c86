// The CLI's one error class. Its message is shown to the user as-is, so it carries no secret.
export type CliErrorCode =
  'usage' | 'invalid_input' | 'not_signed_in' | 'server' | 'network' | 'failed';

const exitCodes: Record<CliErrorCode, number> = {
  usage: 2,
  invalid_input: 2,
  not_signed_in: 3,
  server: 4,
  network: 5,
  failed: 1,
};

/** What the server said when it refused a request, kept so `--json` can pass it on untouched. */
export interface ServerErrorDetail {
  status: number;
  code: string;
  message: string;
  fields?: { path: string; message: string }[];
  reasons?: { code: string; severity?: string; message: string; option?: string }[];
}

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  readonly server: ServerErrorDetail | undefined;
  constructor(
    code: CliErrorCode,
    message: string,
    options?: { cause?: unknown; server?: ServerErrorDetail },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCodes[code];
    this.server = options?.server;
  }
}
