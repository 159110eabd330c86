// The few REST calls the SDK needs: who am I, my devices, and the directory the authentication
// service checks credentials against, with who a meeting may contain. Bearer token (CLI,
// headless) or the session cookie (browsers). Answers are validated with the protocol's schemas
// at this edge.
import {
  admissionListSchema,
  admissionSubmittedSchema,
  type AdmissionSubmitted,
  deviceListSchema,
  deviceResponseSchema,
  directorySchema,
  errorBodySchema,
  meResponseSchema,
} from '@conclave/protocol';
import type { z } from 'zod';
import { ClientError } from '../errors.ts';

export type Me = z.infer<typeof meResponseSchema>['user'];
export type DeviceView = z.infer<typeof deviceResponseSchema>['device'];
export type DirectoryView = z.infer<typeof directorySchema>;
export type AdmissionView = z.infer<typeof admissionListSchema>;

export type Auth = { readonly token: string } | { readonly cookie: true };

export interface RestClientOptions {
  /** Base URL of the server, e.g. https://meet.example.org */
  readonly server: string;
  readonly auth: Auth;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export class RestClient {
  readonly server: string;
  readonly #auth: Auth;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: RestClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.#auth = options.auth;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async me(): Promise<Me> {
    return (await this.#request('GET', '/api/me', meResponseSchema)).user;
  }

  async registerDevice(name: string, signaturePublicKey: string): Promise<DeviceView> {
    const body = { name, signaturePublicKey };
    return (await this.#request('POST', '/api/devices', deviceResponseSchema, body)).device;
  }

  async devices(): Promise<DeviceView[]> {
    return (await this.#request('GET', '/api/devices', deviceListSchema)).devices;
  }

  async directory(): Promise<DirectoryView> {
    return this.#request('GET', '/api/directory/users', directorySchema);
  }

  /** Who meeting or call `id` may contain (readable once this user is on the list). */
  async admissions(id: string): Promise<AdmissionView> {
    return this.#request(
      'GET',
      `/api/directory/admissions/${encodeURIComponent(id)}`,
      admissionListSchema,
    );
  }

  /**
   * Hands in a statement this device signed: a meeting's (the organizer's, or a co-organizer's),
   * or a call's (the caller's).
   */
  async submitAdmission(
    meetingId: string,
    admission: { statement: string; signature: string },
    kind: 'meeting' | 'call' = 'meeting',
  ): Promise<AdmissionSubmitted> {
    const collection = kind === 'call' ? 'calls' : 'meetings';
    return this.#request(
      'POST',
      `/api/${collection}/${encodeURIComponent(meetingId)}/admissions`,
      admissionSubmittedSchema,
      { admission },
    );
  }

  async #request<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if ('token' in this.#auth) headers.authorization = `Bearer ${this.#auth.token}`;
    let response: Response;
    try {
      response = await this.#fetch(`${this.server}${path}`, {
        method,
        headers,
        ...('cookie' in this.#auth ? { credentials: 'include' as const } : {}),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new ClientError(timedOut ? 'timeout' : 'connection_failed', { cause });
    }
    const parsed = parseJson(await response.text());
    if (!response.ok) {
      const error = errorBodySchema.safeParse(parsed);
      const serverCode = error.success ? error.data.error.code : undefined;
      const code = response.status === 401 ? 'not_authenticated' : 'server';
      throw new ClientError(code, {
        status: response.status,
        ...(serverCode === undefined ? {} : { serverCode }),
      });
    }
    const result = schema.safeParse(parsed);
    if (!result.success) throw new ClientError('protocol', { cause: result.error });
    return result.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
