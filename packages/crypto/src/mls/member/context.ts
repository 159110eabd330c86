// What every member-side operation of one meeting needs besides the state: the suite
// implementation, the authentication service, the server key this client expects as the group's
// external sender, and a clock.
import type { MlsCrypto } from '../public/crypto.ts';
import type { ExternalSenderInfo } from '../public/externalSender.ts';
import type { Authenticator } from './auth.ts';

export interface MeetingContext {
  readonly crypto: MlsCrypto;
  readonly authenticator: Authenticator;
  /** The server's external-sender key, from the client's configuration (not from the group). */
  readonly server: ExternalSenderInfo;
  /** Milliseconds since the epoch; injected so lifetimes are testable. */
  readonly now: () => number;
}

export function createMeetingContext(options: {
  readonly crypto: MlsCrypto;
  readonly authenticator: Authenticator;
  readonly server: ExternalSenderInfo;
  readonly now?: () => number;
}): MeetingContext {
  return { ...options, now: options.now ?? Date.now };
}
