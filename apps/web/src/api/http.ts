// The one place the app talks HTTP: JSON in, JSON out, the session cookie along, and every failure
// turned into an ApiError whose message a person can read (never a stack trace, never raw HTML).
import type { Reason } from '@conclave/protocol';

export interface FieldProblem {
  path: string;
  message: string;
}

/** Codes the client adds to the server's own (`INVALID_INPUT`, `MEETING_REJECTED`, …). */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** The server's stable code, or a ClientErrorCode. */
    readonly code: string,
    message: string,
    /** The HTTP status; null when no answer arrived. */
    readonly status: number | null,
    readonly fields: readonly FieldProblem[] = [],
    readonly reasons: readonly Reason[] = [],
  ) {
    super(message);
  }
}

const statusMessages: Record<number, string> = {
  400: 'The request was not accepted. Check the highlighted fields.',
  401: 'You are not signed in, or your session has ended. Sign in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found. It may have been deleted.',
  409: 'This conflicts with the current state. Reload and try again.',
  413: 'That is too large to send.',
  415: 'The server did not accept the format of this request.',
  429: 'Too many attempts. Wait a minute, then try again.',
};

export const networkErrorMessage =
  'Cannot reach the Conclave server. Check your network connection and try again.';

function fallbackMessage(status: number): string {
  return (
    statusMessages[status] ??
    (status >= 500
      ? 'The server ran into a problem. Try again in a moment.'
      : `The server refused the request (HTTP ${status}).`)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFields(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    isRecord(item) && typeof item['path'] === 'string' && typeof item['message'] === 'string'
      ? [{ path: item['path'], message: item['message'] }]
      : [],
  );
}

function readReasons(value: unknown): Reason[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is Reason =>
      isRecord(item) && typeof item['code'] === 'string' && typeof item['message'] === 'string',
  );
}

/** Reads the contract's error body; anything else becomes a message chosen by status alone. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const error = isRecord(body) ? body['error'] : undefined;
  if (!isRecord(error) || typeof error['code'] !== 'string') {
    return new ApiError(
      status >= 500 ? 'INTERNAL' : `HTTP_${status}`,
      fallbackMessage(status),
      status,
    );
  }
  const serverMessage = typeof error['message'] === 'string' ? error['message'].trim() : '';
  // A multi-line message is not a sentence for a person (a stack trace, a dump): don't show it.
  const message =
    serverMessage !== '' && !serverMessage.includes('\n') && serverMessage.length <= 4000
      ? serverMessage
      : fallbackMessage(status);
  return new ApiError(
    error['code'],
    message,
    status,
    readFields(error['fields']),
    readReasons(error['reasons']),
  );
}

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener | null = null;

/** The app signs the person out of the UI when any call finds the session gone. */
export function setUnauthorizedListener(listener: UnauthorizedListener | null): void {
  onUnauthorized = listener;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** A 401 here is an answer (wrong password, no session yet), not a lost session. */
  expectUnauthorized?: boolean;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  };
  // Only with a body: Fastify refuses an empty body declared as JSON.
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  if (options.signal) init.signal = options.signal;

  let response: Response;
  let text: string;
  try {
    response = await fetch(path, init);
    text = await response.text();
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError('NETWORK', networkErrorMessage, null);
  }

  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
      if (response.ok) {
        throw new ApiError(
          'BAD_RESPONSE',
          'The server sent an answer this page cannot read. Reload the page and try again.',
          response.status,
        );
      }
    }
  }

  if (!response.ok) {
    const error = errorFromResponse(response.status, parsed);
    if (response.status === 401 && !options.expectUnauthorized) onUnauthorized?.();
    throw error;
  }
  return parsed as T;
}

/**
 * A refusal's message repeats its reasons after a lead sentence ("The meeting was not scheduled.
 * The organizer …"); with the reasons listed beneath, the lead is enough.
 */
export function leadSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end + 1);
}

/** Builds `path?a=1&b=x`, leaving out empty values. */
export function withQuery(
  path: string,
  query: Record<string, string | number | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** A path segment from an id or policy name (names may hold spaces). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
