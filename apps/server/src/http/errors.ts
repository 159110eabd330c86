// Turns anything thrown while serving a request into the contract's error body. Known failures
// keep their code and message; anything else becomes a bare 500 and is logged by name only here,
// so no stack trace, SQL or input value reaches a client.
import type { ErrorBody, ErrorCode } from '@conclave/protocol';
import { errorStatus, unstorableTextMessage } from '@conclave/protocol';
import { ServerError } from '../errors.ts';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Set for failures the server did not expect: worth a log line. */
  unexpected: boolean;
}

function response(code: ErrorCode, message: string): ErrorResponse {
  return { status: errorStatus[code], body: { error: { code, message } }, unexpected: false };
}

/** Fastify's own errors (body parsing, limits, bad URLs) by their `code`. */
const frameworkErrors: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the request body as application/json.',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'INVALID_INPUT',
    'The Content-Length header does not match the body.',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_JSON', 'The request body is empty.'],
  FST_ERR_BAD_URL: ['NOT_FOUND', 'No such route.'],
};

/**
 * An error Fastify raises before routing, for the request URL `url`. A URL whose escapes are all
 * well formed but do not decode as UTF-8 (the only way a lone surrogate can travel in a URL) is
 * bad input, like one in a body; a URL with a broken escape is no route at all.
 */
export function toFrameworkErrorResponse(error: unknown, url: string): ErrorResponse {
  const { code } = (error ?? {}) as { code?: unknown };
  if (code === 'FST_ERR_BAD_URL' && !/%(?![0-9A-Fa-f]{2})/.test(url)) {
    return {
      status: errorStatus.INVALID_INPUT,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message: 'The URL is not valid UTF-8.',
          fields: [{ path: 'params', message: unstorableTextMessage }],
        },
      },
      unexpected: false,
    };
  }
  return toErrorResponse(error);
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof ServerError) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.fields === undefined ? {} : { fields: error.fields }),
          ...(error.reasons === undefined ? {} : { reasons: error.reasons }),
        },
      },
      unexpected: false,
    };
  }
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  const known = typeof code === 'string' ? frameworkErrors[code] : undefined;
  if (known !== undefined) return response(...known);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    if (statusCode === 413) return response('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    if (statusCode === 415)
      return response('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    if (statusCode === 429) return response('RATE_LIMITED', 'Too many requests; try again later.');
    return response('INVALID_INPUT', 'The request is malformed.');
  }
  return {
    ...response('INTERNAL', 'Something went wrong on the server. The error was logged.'),
    unexpected: true,
  };
}
