// A tiny HTTP client for the tests: real fetch against a running server. Answers are checked
// against the protocol's own response schemas, so every test also proves the wire contract.
import { errorBodySchema } from '@conclave/protocol';
import type { ErrorBody } from '@conclave/protocol';
import { expect } from 'vitest';
import type { z } from 'zod';

export interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
  text: string;
}

export type Caller = (method: string, path: string, body?: unknown) => Promise<Reply>;

/** A caller bound to a base URL and, optionally, a bearer token. A string body is sent raw. */
export function client(baseUrl: string, token?: string): Caller {
  return async (method, path, body) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, headers: response.headers, text };
  };
}

/** Asserts the status and that the body has the documented shape; returns it typed. */
export function ok<S extends z.ZodType>(reply: Reply, schema: S, status = 200): z.output<S> {
  expect(reply.status, reply.text).toBe(status);
  const parsed = schema.safeParse(reply.body);
  if (!parsed.success)
    throw new Error(`answer does not match its schema: ${parsed.error.message}\n${reply.text}`);
  return parsed.data;
}

/** Asserts a contract error body with this status and code; returns the error. */
export function fails(reply: Reply, status: number, code: string): ErrorBody['error'] {
  expect(reply.status, reply.text).toBe(status);
  const parsed = errorBodySchema.safeParse(reply.body);
  if (!parsed.success) throw new Error(`not a contract error body: ${reply.text}`);
  expect(parsed.data.error.code, reply.text).toBe(code);
  expect(reply.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  return parsed.data.error;
}

export interface Session {
  call: Caller;
  token: string;
  userId: string;
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<Session> {
  const reply = await client(baseUrl)('POST', '/api/auth/sign-in', { email, password });
  expect(reply.status, reply.text).toBe(200);
  const body = reply.body as { token: string; user: { id: string } };
  return { call: client(baseUrl, body.token), token: body.token, userId: body.user.id };
}
