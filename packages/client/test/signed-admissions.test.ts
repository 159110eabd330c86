// A member's own reading of who may enter a meeting: only statements an organizer's device signed
// count, whatever the server lists; and the organizer's side, which signs changes on its own last
// list rather than on the server's.
import {
  createDevice,
  createMlsCrypto,
  decodeAdmission,
  InMemoryPinStore,
  signAdmission,
  type AdmissionStatement,
  type DeviceCredential,
  type MemberIdentity,
  type MlsCrypto,
} from '@conclave/crypto/member';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../src/bytes.ts';
import { OrganizerAdmissions } from '../src/identity/organizer-admissions.ts';
import { SignedAdmissions } from '../src/identity/signed-admissions.ts';
import type { AdmissionView, DirectoryView } from '../src/rest/rest-client.ts';
import { MemoryStore } from '../src/store/key-value.ts';

const now = 1_800_000_000_000;
let crypto: MlsCrypto;
let daveLaptop: DeviceCredential;
let mallory: DeviceCredential;

beforeAll(async () => {
  crypto = await createMlsCrypto();
  daveLaptop = await createDevice(crypto, { tenantId: 't', userId: 'dave', deviceId: 'd1' });
  mallory = await createDevice(crypto, { tenantId: 't', userId: 'mallory', deviceId: 'm1' });
});

const devices = () => [daveLaptop, mallory];
const keyOf = (identity: MemberIdentity) =>
  devices().find(
    (d) => d.identity.deviceId === identity.deviceId && d.identity.userId === identity.userId,
  )?.keyPair.publicKey;

function statement(over: Partial<AdmissionStatement> = {}): AdmissionStatement {
  return {
    kind: 'invitation-list',
    tenantId: 't',
    meetingId: 'm',
    signer: daveLaptop.identity,
    sequence: 1,
    issuedAt: now - 1_000,
    expiresAt: now + 3_600_000,
    users: ['alice', 'bob'],
    coOrganizers: [],
    ...over,
  };
}

async function wire(s: AdmissionStatement, by = daveLaptop) {
  const signed = await signAdmission(crypto, by.keyPair.privateKey, s);
  return { statement: toBase64(signed.statement), signature: toBase64(signed.signature) };
}

function view(signed: AdmissionView['signed'], organizer = 'dave'): AdmissionView {
  // The server's list names Mallory too: it counts for nothing.
  const users = ['dave', 'alice', 'bob', 'mallory'].map((userId) => ({
    userId,
    displayName: userId,
    email: `${userId}@example.org`,
    basis: 'invitee' as const,
  }));
  return { id: 'm', kind: 'meeting', organizer, signed, users };
}

function reader(store = new MemoryStore(), pins = new InMemoryPinStore()) {
  return new SignedAdmissions({ crypto, pins, store, tenantId: 't', now: () => now });
}

describe("a member's reading of who may enter", () => {
  it('admits the organizer and whom the signed list names, not whom the server lists', async () => {
    const reading = await reader().read(view([await wire(statement())]), keyOf);
    expect([...reading.users].sort()).toEqual(['alice', 'bob', 'dave']);
    expect(reading.skipped).toEqual([]);
  });

  it('counts a statement swapped, forged or for another meeting for nothing', async () => {
    const good = await wire(statement());
    // The users changed to Mallory under Dave's signature of another list.
    const renamed = {
      statement: toBase64(
        (
          await signAdmission(
            crypto,
            daveLaptop.keyPair.privateKey,
            statement({ users: ['mallory'] }),
          )
        ).statement,
      ),
      signature: good.signature,
    };
    // Signed with Mallory's key, claiming Dave's laptop as signer.
    const forgedAsDave = await wire(statement({ users: ['mallory'] }), mallory);
    const otherMeeting = await wire(statement({ meetingId: 'other', users: ['mallory'] }));
    const reading = await reader().read(
      view([renamed, forgedAsDave, otherMeeting, { statement: 'AAAA', signature: 'AAAA' }]),
      keyOf,
    );
    expect([...reading.users]).toEqual(['dave']);
    expect([...reading.skipped].sort()).toEqual([
      'bad_signature',
      'bad_signature',
      'malformed',
      'not_this_meeting',
    ]);
  });

  it('refuses a signer device whose key changed from the one pinned', async () => {
    const pins = new InMemoryPinStore();
    pins.set(daveLaptop.identity, mallory.keyPair.publicKey);
    const reading = await reader(new MemoryStore(), pins).read(
      view([await wire(statement())]),
      keyOf,
    );
    expect([...reading.users]).toEqual(['dave']);
    expect(reading.skipped).toEqual(['signer_key_changed']);
  });

  it('keeps the organizer first seen: a server naming another organizer gains nothing', async () => {
    const store = new MemoryStore();
    await reader(store).read(view([]), keyOf);
    const byMallory = await wire(
      statement({ signer: mallory.identity, users: ['mallory'] }),
      mallory,
    );
    const reading = await reader(store).read(view([byMallory], 'mallory'), keyOf);
    expect(reading.organizerChanged).toBe(true);
    expect(reading.users.has('mallory')).toBe(false);
  });

  it('ignores an older list served again after a newer one was seen', async () => {
    const store = new MemoryStore();
    const older = await wire(statement({ users: ['alice', 'bob', 'erin'] }));
    const newer = await wire(statement({ sequence: 2, users: ['alice'] }));
    expect((await reader(store).read(view([older, newer]), keyOf)).users.has('erin')).toBe(false);
    // The server now hides the newer list: the older one still does not count.
    expect([...(await reader(store).read(view([older]), keyOf)).users]).toEqual(['dave']);
  });
});

describe("the organizer's device", () => {
  function server(signed: AdmissionView['signed'] = []) {
    const submitted: AdmissionStatement[] = [];
    const directory: DirectoryView = {
      users: [
        {
          id: 'dave',
          displayName: 'Dave',
          devices: [{ id: 'd1', signaturePublicKey: toBase64(daveLaptop.keyPair.publicKey) }],
        },
      ],
    };
    const rest = {
      admissions: () => Promise.resolve(view(signed)),
      directory: () => Promise.resolve(directory),
      submitAdmission: (_: string, a: { statement: string; signature: string }) => {
        const s = decodeAdmission(fromBase64(a.statement)!);
        submitted.push(s);
        signed.push(a);
        return Promise.resolve({
          kind: s.kind,
          sequence: s.sequence,
          users: [...s.users],
          expiresAt: '',
        });
      },
    };
    const organizer = new OrganizerAdmissions({
      rest,
      device: daveLaptop,
      crypto,
      clock: { now: () => now },
    });
    return { organizer, submitted };
  }

  it('signs each new list one sequence above the newest', async () => {
    const { organizer, submitted } = server();
    await organizer.setInvitees('m', ['alice', 'dave']);
    await organizer.setInvitees('m', ['alice', 'bob']);
    expect(submitted.map((s) => [s.sequence, s.users])).toEqual([
      [1, ['alice']],
      [2, ['alice', 'bob']],
    ]);
  });

  it('changes its own last signed list, not one the server made up', async () => {
    // The server serves a higher-numbered list "by Dave" naming Mallory, signed by Mallory's key.
    const fake = await wire(statement({ sequence: 5, users: ['alice', 'mallory'] }), mallory);
    const { organizer, submitted } = server([fake]);
    await organizer.setInvitees('m', ['alice']);
    await organizer.changeInvitees('m', { add: ['bob'] });
    expect(submitted.at(-1)?.users).toEqual(['alice', 'bob']);
    expect(submitted.at(-1)?.sequence).toBe(7);
  });

  it('admits from the lobby with a short-lived statement', async () => {
    const { organizer, submitted } = server();
    await organizer.admit('m', ['carol']);
    expect(submitted[0]).toMatchObject({ kind: 'lobby', sequence: 0, users: ['carol'] });
    expect(submitted[0]!.expiresAt - now).toBe(12 * 3_600_000);
  });
});
