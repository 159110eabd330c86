// Participants for the SDK tests: a signed-in client per person, and small waiting helpers.
import {
  ConclaveClient,
  MemoryStore,
  systemClock,
  type Clock,
  type JoinOptions,
  type Meeting,
  type MeetingEvents,
} from '../../src/index.ts';
import type { FakeServer } from './fake-server.ts';

export interface Person {
  readonly name: string;
  readonly userId: string;
  readonly client: ConclaveClient;
  readonly store: MemoryStore;
}

/** Real timers, and a `now` the test can move forward. */
export class SkewClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    return systemClock.setTimeout(callback, ms);
  }
  clearTimeout(handle: unknown): void {
    systemClock.clearTimeout(handle);
  }
}

export async function person(
  server: FakeServer,
  name: string,
  options: { store?: MemoryStore; clock?: Clock } = {},
): Promise<Person> {
  const user = server.addUser(name);
  const store = options.store ?? new MemoryStore();
  const client = await ConclaveClient.connect({
    server: server.url,
    auth: { token: user.token },
    store,
    webSocket: server.webSocket,
    fetch: server.fetch,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return { name, userId: user.id, client, store };
}

export async function joinAll(
  people: readonly Person[],
  meetingId: string,
  options: JoinOptions = {},
): Promise<Meeting[]> {
  const meetings: Meeting[] = [];
  // One at a time, as people arrive; the first creates the group.
  for (const p of people) meetings.push(await p.client.join(meetingId, options));
  return meetings;
}

/**
 * Every meeting protects its media under the epoch it is in: after a commit that added someone,
 * senders move only once every member has the epoch (docs/media.md "Rekeying without a gap").
 */
export function sendingUnderEpoch(meetings: readonly Meeting[], ms = 5_000): Promise<void> {
  return until(
    meetings,
    () => meetings.every((m) => m.epoch !== undefined && m.mediaEpoch === m.epoch),
    ms,
    'senders on the new epoch',
  );
}

/** Resolves when `predicate` holds, re-checked on every event of `meeting`; rejects after `ms`. */
export function until(
  meetings: readonly Meeting[],
  predicate: () => boolean,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const done = (error?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const off of offs) off();
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = () => {
      if (predicate()) done();
    };
    const events: (keyof MeetingEvents)[] = [
      'epoch',
      'roster',
      'frame',
      'chat',
      'connection',
      'joined',
      'participants',
    ];
    for (const m of meetings) for (const e of events) offs.push(m.on(e, check));
    const poll = setInterval(check, 20);
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), ms);
  });
}

export function codes(meetings: readonly Meeting[]): (string | undefined)[] {
  return meetings.map((m) => m.securityCode);
}
