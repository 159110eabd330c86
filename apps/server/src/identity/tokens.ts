// Session tokens: 32 random bytes for the client, only their SHA-256 for the database, so a copy
// of the database cannot be replayed as sessions.
import { createHash, randomBytes } from 'node:crypto';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
