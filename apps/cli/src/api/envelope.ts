// List and item responses arrive wrapped (`{ users: [...] }`, `{ user: {...} }`); these unwrap them
// in one place, accepting the bare form too, so a wrapping change on the server touches one file.
import { CliError } from '../errors.ts';
import type { ApiClient } from './client.ts';

export function unwrapList<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    const inner = (body as Record<string, unknown>)[key];
    if (Array.isArray(inner)) return inner as T[];
  }
  throw new CliError('server', `the server's answer has no '${key}' list`);
}

export function unwrapItem<T>(body: unknown, key: string): T {
  if (typeof body === 'object' && body !== null) {
    const inner = (body as Record<string, unknown>)[key];
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) return inner as T;
    return body as T;
  }
  throw new CliError('server', `the server's answer is not a '${key}' object`);
}

export async function getList<T>(api: ApiClient, path: string, key: string): Promise<T[]> {
  return unwrapList<T>(await api.get<unknown>(path), key);
}
