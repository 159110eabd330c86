// The authentication service's directory on a manual clock: a device the directory does not know
// yet is judged on a fresh fetch (waiting for the refresh throttle, never refusing on stale data),
// and the throttle still bounds how often the directory is read.
import { encodeIdentity, InMemoryPinStore, type MemberIdentity } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../src/bytes.ts';
import { refreshingAuthenticator } from '../src/identity/authenticator.ts';
import { LiveDirectory } from '../src/identity/directory.ts';
import type { DirectoryView } from '../src/rest/rest-client.ts';
import { ManualClock, flush } from './support/manual-clock.ts';

const identity = (userId: string, deviceId: string): MemberIdentity => ({
  tenantId: 't',
  userId,
  deviceId,
});

/** A directory endpoint whose answer the test changes, counting fetches (and able to stall one). */
function directoryServer(initial: DirectoryView['users']) {
  const server = {
    users: initial,
    calls: 0,
    /** Set to hold the next fetch until the test releases it. */
    hold: undefined as Promise<void> | undefined,
    directory: async (): Promise<DirectoryView> => {
      server.calls++;
      // What the server knew when the request reached it.
      const answer = { users: server.users };
      if (server.hold !== undefined) await server.hold;
      return answer;
    },
  };
  return server;
}

const key = new Uint8Array(32).fill(7);
const withDevice = (deviceId: string): DirectoryView['users'] => [
  {
    id: 'bob',
    displayName: 'Bob',
    devices: [{ id: deviceId, signaturePublicKey: toBase64(key) }],
  },
];

describe('a device registered right after the last directory fetch', () => {
  it('is judged on a refresh the member waits for, not refused on the stale copy', async () => {
    const clock = new ManualClock();
    const server = directoryServer([{ id: 'bob', displayName: 'Bob', devices: [] }]);
    const directory = new LiveDirectory({
      rest: server,
      tenantId: 't',
      clock,
      signed: noMeetingList,
    });
    const auth = refreshingAuthenticator(directory, new InMemoryPinStore(), clock);
    // The member read the directory as the meeting started...
    await directory.refresh();
    // ...and 100 ms later Bob registered a device and joined: his Add arrives 200 ms after the fetch.
    await clock.advance(100);
    server.users = withDevice('bob-cli');
    await clock.advance(100);
    let finding: Awaited<ReturnType<typeof auth.authenticate>> | undefined;
    void auth.authenticate(encodeIdentity(identity('bob', 'bob-cli')), key).then((f) => {
      finding = f;
    });
    await flush();
    // The throttle holds: no second fetch inside the interval, and no answer on stale data yet.
    expect(server.calls).toBe(1);
    expect(finding).toBeUndefined();
    await clock.advance(800);
    expect(server.calls).toBe(2);
    expect(finding).toMatchObject({ kind: 'accepted', firstUse: true });
  });

  it('still refuses a device the fresh directory does not know either', async () => {
    const clock = new ManualClock();
    const server = directoryServer([{ id: 'bob', displayName: 'Bob', devices: [] }]);
    const directory = new LiveDirectory({
      rest: server,
      tenantId: 't',
      clock,
      signed: noMeetingList,
    });
    const auth = refreshingAuthenticator(directory, new InMemoryPinStore(), clock);
    await directory.refresh();
    const pending = auth.authenticate(encodeIdentity(identity('bob', 'nobody')), key);
    await clock.advance(1_000);
    expect(await pending).toMatchObject({ kind: 'rejected', reason: 'unknown_device' });
    expect(server.calls).toBe(2);
  });

  it('coalesces many unknown credentials into one fetch per interval (a flood waits, bounded)', async () => {
    const clock = new ManualClock();
    const server = directoryServer([{ id: 'bob', displayName: 'Bob', devices: [] }]);
    const directory = new LiveDirectory({
      rest: server,
      tenantId: 't',
      clock,
      signed: noMeetingList,
    });
    const auth = refreshingAuthenticator(directory, new InMemoryPinStore(), clock);
    await directory.refresh();
    const findings = Array.from({ length: 20 }, (_, i) =>
      auth.authenticate(encodeIdentity(identity('bob', `forged-${i}`)), key),
    );
    await clock.advance(1_000);
    const settled = await Promise.all(findings);
    expect(settled.every((f) => f.kind === 'rejected')).toBe(true);
    expect(server.calls).toBe(2);
  });

  it('does not trust a fetch that was already on its way when the device appeared', async () => {
    const clock = new ManualClock();
    const server = directoryServer([{ id: 'bob', displayName: 'Bob', devices: [] }]);
    const directory = new LiveDirectory({
      rest: server,
      tenantId: 't',
      clock,
      signed: noMeetingList,
    });
    const auth = refreshingAuthenticator(directory, new InMemoryPinStore(), clock);
    // A slow fetch is under way (it left before Bob's device existed)...
    let release = (): void => undefined;
    server.hold = new Promise<void>((resolve) => (release = resolve));
    const slow = directory.refresh();
    await clock.advance(300);
    server.users = withDevice('bob-phone');
    server.hold = undefined;
    // ...when Bob's Add arrives: the old fetch's answer cannot know him.
    let finding: Awaited<ReturnType<typeof auth.authenticate>> | undefined;
    void auth.authenticate(encodeIdentity(identity('bob', 'bob-phone')), key).then((f) => {
      finding = f;
    });
    release();
    await slow;
    await flush();
    expect(finding).toBeUndefined();
    await clock.advance(700);
    expect(server.calls).toBe(2);
    expect(finding).toMatchObject({ kind: 'accepted' });
  });
});

/** These directories read no meeting admission list, so no signed statement is ever checked. */
const noMeetingList = {
  read: () => Promise.reject(new Error('no meeting admission list in this test')),
};
