// Who is signed in, for every page: the user record from `GET /api/me`, or null.
import { createContext, useContext } from 'react';
import type { User } from '../api/types.ts';

export interface Session {
  user: User;
  /** Replace the user record after the server changed it (settings, licence). */
  setUser: (user: User) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
