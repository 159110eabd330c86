// Signing in and out, and the signed-in person's own record and settings.
import { request } from './http.ts';
import type { SignInResponse, User } from './types.ts';

/** The browser's known-device cookie goes along by itself (path /api/auth). */
export async function signIn(
  email: string,
  password: string,
  organization?: string,
): Promise<User> {
  const answer = await request<SignInResponse>(
    'POST',
    '/api/auth/sign-in',
    { email, password, ...(organization === undefined ? {} : { organization }) },
    { expectUnauthorized: true },
  );
  return answer.user;
}

export async function signOut(): Promise<void> {
  await request<unknown>('POST', '/api/auth/sign-out', undefined, { expectUnauthorized: true });
}

/** The signed-in user, or null when there is no session. */
export async function fetchMe(): Promise<User | null> {
  try {
    const answer = await request<{ user: User }>('GET', '/api/me', undefined, {
      expectUnauthorized: true,
    });
    return answer.user;
  } catch (error) {
    if (error instanceof Error && 'status' in error && error.status === 401) return null;
    throw error;
  }
}

export async function updateMySettings(settings: { e2eeCalls: boolean }): Promise<User | null> {
  const answer = await request<{ user?: User } | null>('PATCH', '/api/me/settings', settings);
  return answer?.user ?? null;
}

export interface SsoLookup {
  readonly sso: boolean;
  readonly startUrl?: string;
  readonly passwordSignIn: boolean;
}

/** Whether `email` signs in through its organization's identity provider, and where to start. */
export function lookUpSso(email: string, next: string): Promise<SsoLookup> {
  const query = new URLSearchParams({ email, next });
  return request<SsoLookup>('GET', `/api/auth/sso?${query.toString()}`, undefined, {
    expectUnauthorized: true,
  });
}

/**
 * Changes my password: the current one and a new one. The server signs my other sessions out and
 * keeps this one; it answers with my record (no longer asking for a change).
 */
export async function changeMyPassword(
  currentPassword: string,
  newPassword: string,
): Promise<User> {
  const answer = await request<{ user: User }>('POST', '/api/me/password', {
    currentPassword,
    newPassword,
  });
  return answer.user;
}
