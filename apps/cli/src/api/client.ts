// A small typed HTTP client for the Conclave REST API: JSON in and out, a bearer token, and every
// failure turned into a CliError whose message a user can act on (never a stack trace).
import { CliError } from '../errors.ts';
import type { ServerErrorDetail } from '../errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiClientOptions {
  /** Base URL of the server, without a trailing slash. */
  server: string;
  token?: string;
  /** Injected so tests and callers can bound waiting; 30 s by default. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class ApiClient {
  readonly server: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.server = options.server;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** A GET whose answer is a file (CSV, JSON to save as it is): the body as text. */
  async download(path: string): Promise<string> {
    const response = await this.#send('GET', path, undefined, '*/*');
    const text = await response.text();
    if (response.ok) return text;
    throw this.#serverError(response, parseJson(text));
  }

  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body, 'application/json');
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return (parsed ?? {}) as T;
    throw this.#serverError(response, parsed);
  }

  async #send(method: HttpMethod, path: string, body: unknown, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    try {
      return await this.#fetch(`${this.server}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw networkError(this.server, error);
    }
  }

  #serverError(response: Response, parsed: unknown): CliError {
    const detail = errorDetail(response.status, parsed);
    if (detail === undefined) {
      return new CliError(
        'server',
        `the server at ${this.server} answered HTTP ${response.status} ${response.statusText} without a Conclave error body`,
      );
    }
    // A 401 on a request that carried a token means the stored session is no longer valid.
    if (response.status === 401 && this.#token !== undefined) {
      return new CliError(
        'not_signed_in',
        `your session on ${this.server} is no longer valid (${detail.code}); run \`conclave sign-in\``,
        { server: detail },
      );
    }
    return new CliError('server', formatServerError(detail), { server: detail });
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorDetail(status: number, body: unknown): ServerErrorDetail | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, fields, reasons } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return {
    status,
    code,
    message,
    ...(Array.isArray(fields) ? { fields: fields as ServerErrorDetail['fields'] & object } : {}),
    ...(Array.isArray(reasons)
      ? { reasons: reasons as ServerErrorDetail['reasons'] & object }
      : {}),
  };
}

const statusHints: Partial<Record<number, string>> = {
  403: 'your account is not allowed to do this; admin commands need the admin role',
  404: 'not found',
  413: 'the request is too large',
  429: 'too many attempts; wait a moment and try again',
};

/** Codes whose status alone would mislead: a 403 that no role fixes. */
const codeHints: Partial<Record<string, string>> = {
  PASSWORD_CHANGE_REQUIRED: 'run `conclave password change` first',
  ACCOUNT_DISABLED: 'an admin can enable the account again',
};

/** The server's refusal as the user reads it: code and message, then one line per field or reason. */
export function formatServerError(detail: ServerErrorDetail): string {
  const hint = codeHints[detail.code] ?? statusHints[detail.status];
  // Servers often repeat the reasons' sentences in the message; each is printed once, below.
  let message = detail.message;
  for (const reason of detail.reasons ?? []) message = message.replace(reason.message, '');
  message = message.replace(/\s+/g, ' ').trim() || detail.code;
  const head = `${message} [${detail.code}, HTTP ${detail.status}${hint === undefined ? '' : `: ${hint}`}]`;
  const lines = [head];
  for (const field of detail.fields ?? []) lines.push(`  - ${field.path}: ${field.message}`);
  for (const reason of detail.reasons ?? []) lines.push(`  - ${reason.code}: ${reason.message}`);
  return lines.join('\n');
}

function networkError(server: string, error: unknown): CliError {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const name = error instanceof Error ? error.name : '';
  let why: string;
  if (name === 'TimeoutError' || name === 'AbortError') why = 'no answer in time';
  else if (code === 'ECONNREFUSED') why = 'connection refused; is the server running?';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') why = 'unknown host';
  else why = code ?? (error instanceof Error ? error.message : 'request failed');
  return new CliError('network', `cannot reach the Conclave server at ${server} (${why})`, {
    cause: error,
  });
}
