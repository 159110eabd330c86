// The authentication service in real groups: foreign keys, changed keys and unadmitted users.
// The last test plays a rogue member with the library itself (a deep import, tests only).
import { createCommit, encodeMlsMessage } from 'ts-mls';
import { unwrap } from '../../src/mls/member/state.ts';
import { decodeKeyPackageMessage } from '../../src/mls/public/keyPackage.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  acceptChangedKey,
  commitPending,
  createDevice,
  createMeeting,
  epoch,
  groupId,
  generateKeyPackage,
  joinFromWelcome,
  members,
  receiveMessage,
  type AuthEvent,
} from '../../src/member.ts';
import {
  generateExternalSender,
  externalSenderInfo,
  proposeExternalAdd,
} from '../../src/server.ts';
import { addMembers, deliver, startMeeting, World, type Participant } from './world.ts';

let world: World;
let alice: Participant;
let bob: Participant;

beforeAll(async () => {
  world = await World.create();
  alice = await world.participant('alice');
  bob = await world.participant('bob');
  await startMeeting(world, alice);
  await addMembers(world, [alice], alice, [bob]);
});

function rejections(events: readonly AuthEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'rejected' ? [e.reason] : []));
}

describe('a server-made Add the authentication service refuses', () => {
  it('is refused on arrival for a device the directory does not know, and never gets a Welcome', async () => {
    const stranger = await world.participant('mallory', { register: false });
    const bundle = await world.keyPackage(stranger);
    const proposal = await world.proposeAdd(alice.state!, bundle.publicBytes);
    const results = await deliver([alice, bob], proposal);
    for (const r of results) {
      expect(r.kind).toBe('rejected');
      if (r.kind === 'rejected') {
        expect(r.reason).toBe('not_authenticated');
        expect(rejections(r.events)).toEqual(['unknown_device']);
      }
    }
    expect(await commitPending(alice.ctx, alice.state!)).toMatchObject({
      kind: 'nothing_to_commit',
    });
  });

  it('is refused when the KeyPackage key differs from the directory key (a foreign key)', async () => {
    const eve = await world.participant('eve');
    // Same identity, another key: what a server forging a device would send.
    const forged = await createDevice(world.crypto, eve.device.identity);
    const bundle = await generateKeyPackage(world.crypto, forged);
    const [r] = await deliver([alice], await world.proposeAdd(alice.state!, bundle.publicBytes));
    expect(r).toMatchObject({ kind: 'rejected', reason: 'not_authenticated' });
    expect(rejections(r!.kind === 'rejected' ? r!.events : [])).toEqual(['directory_key_mismatch']);
  });

  it('is refused for a user the meeting may not contain; committed anyway by a member, the commit is refused and the Welcome is useless', async () => {
    const trent = await world.participant('trent');
    world.directory.banned.add(trent.device.identity.userId);
    try {
      const bundle = await world.keyPackage(trent);
      const proposal = await world.proposeAdd(alice.state!, bundle.publicBytes);
      const [atBob] = await deliver([bob], proposal);
      expect(atBob).toMatchObject({ kind: 'rejected', reason: 'not_authenticated' });

      // A compromised member whose directory admits trent commits the Add.
      world.directory.banned.delete(trent.device.identity.userId);
      const [atAlice] = await deliver([alice], proposal);
      expect(atAlice?.kind).toBe('proposal_pending');
      const rogue = await commitPending(alice.ctx, alice.state!);
      if (rogue.kind !== 'commit') throw new Error('expected a commit');
      world.directory.banned.add(trent.device.identity.userId);

      const before = members(bob.state!);
      // Bob refused the proposal, so the commit references a proposal he never admitted.
      const atBobCommit = await receiveMessage(bob.ctx, bob.state!, rogue.commit);
      expect(atBobCommit).toMatchObject({ kind: 'rejected', contentType: 'commit' });
      expect(members(atBobCommit.state)).toEqual(before);
      expect(members(atBobCommit.state).map((m) => m.identity?.userId)).not.toContain('user-trent');
    } finally {
      world.directory.banned.delete(trent.device.identity.userId);
    }
  });
});

describe('trust on first use', () => {
  it('flags a changed key for a device seen before, and accepts it only after the user accepts it', async () => {
    const carol = await world.participant('carol');
    // Alice first meets carol's key in another meeting of hers.
    const earlier = await createMeeting(alice.ctx, alice.device);
    const first = await world.keyPackage(carol);
    const proposal = await proposeExternalAdd(
      world.crypto,
      world.server,
      { groupId: groupId(earlier), epoch: epoch(earlier) },
      first.publicBytes,
    );
    const pending = await receiveMessage(alice.ctx, earlier, proposal);
    expect(pending.kind).toBe('proposal_pending');
    expect(pending.kind === 'proposal_pending' && pending.events).toEqual([
      expect.objectContaining({ kind: 'accepted', firstUse: true }),
    ]);

    // Carol's device key changes and the directory follows (a re-registration, or a server swapping keys).
    const replaced = await createDevice(world.crypto, carol.device.identity);
    world.directory.register(replaced.identity, replaced.keyPair.publicKey);
    const second = await generateKeyPackage(world.crypto, replaced);
    const [changed] = await receiveMessageAll(
      alice,
      await world.proposeAdd(alice.state!, second.publicBytes),
    );
    expect(changed).toMatchObject({ kind: 'rejected', reason: 'not_authenticated' });
    const event = changed!.kind === 'rejected' ? changed!.events[0] : undefined;
    expect(event).toMatchObject({
      kind: 'rejected',
      reason: 'key_changed',
      identity: carol.device.identity,
    });
    expect(event?.kind === 'rejected' && event.pinnedFingerprint).not.toBe(event?.fingerprint);

    await acceptChangedKey(alice.pins, replaced.identity, replaced.keyPair.publicKey);
    const [accepted] = await receiveMessageAll(
      alice,
      await world.proposeAdd(alice.state!, second.publicBytes),
    );
    expect(accepted?.kind).toBe('proposal_pending');
  });
});

describe('joining', () => {
  it('refuses a group whose external sender is not the expected server key', async () => {
    const impostor = await generateExternalSender(world.crypto, {
      tenantId: 'acme',
      serverId: 'conclave-1',
    });
    const dave = await world.participant('dave');
    const host = await world.participant('host');
    const rogueCtx = { ...host.ctx, server: externalSenderInfo(impostor) };
    const rogueWorld = Object.assign(
      Object.create(Object.getPrototypeOf(world) as object) as World,
      world,
      { server: impostor },
    );
    const rogueHost = { ...host, ctx: rogueCtx };
    await startMeeting(rogueWorld, rogueHost);
    const bundle = await world.keyPackage(dave);
    const [r] = await deliver(
      [rogueHost],
      await rogueWorld.proposeAdd(rogueHost.state!, bundle.publicBytes),
    );
    expect(r?.kind).toBe('proposal_pending');
    const commit = await commitPending(rogueHost.ctx, rogueHost.state!);
    if (commit.kind !== 'commit') throw new Error('expected a commit');
    const joined = await joinFromWelcome(
      dave.ctx,
      commit.welcome!,
      dave.device,
      bundle.privateBytes,
    );
    expect(joined).toMatchObject({ kind: 'rejected', reason: 'unexpected_external_sender' });
  });

  it('refuses a group containing a member its directory does not know', async () => {
    const frank = await world.participant('frank');
    const stranger = await world.participant('stranger');
    await startMeeting(world, stranger);
    world.directory.forget(stranger.device.identity);
    const bundle = await world.keyPackage(frank);
    // The stranger's own client still accepts frank; frank's client does not know the stranger.
    const proposal = await world.proposeAdd(stranger.state!, bundle.publicBytes);
    const [r] = await deliver([stranger], proposal);
    expect(r?.kind).toBe('proposal_pending');
    const commit = await commitPending(stranger.ctx, stranger.state!);
    if (commit.kind !== 'commit') throw new Error('expected a commit');
    const joined = await joinFromWelcome(
      frank.ctx,
      commit.welcome!,
      frank.device,
      bundle.privateBytes,
    );
    expect(joined.kind).toBe('rejected');
    expect(joined.kind === 'rejected' && rejections(joined.events)).toContain('unknown_device');
  });
});

async function receiveMessageAll(p: Participant, message: Uint8Array) {
  return deliver([p], message);
}

describe('commits checked by the library through our service', () => {
  it('refuses a commit that adds, by reference, a member whose key changed since the proposal was admitted', async () => {
    const host = await world.participant('host-2');
    const member = await world.participant('member-2');
    await startMeeting(world, host);
    await addMembers(world, [host], host, [member]);
    const gina = await world.participant('gina');
    const bundle = await world.keyPackage(gina);
    const proposal = await world.proposeAdd(host.state!, bundle.publicBytes);
    const results = await deliver([host, member], proposal);
    expect(results.map((r) => r.kind)).toEqual(['proposal_pending', 'proposal_pending']);
    const commit = await commitPending(host.ctx, host.state!);
    if (commit.kind !== 'commit') throw new Error('expected a commit');
    // Between proposal and commit, the member's directory learns that gina's registered key is another one.
    const other = await createDevice(world.crypto, gina.device.identity);
    world.directory.register(other.identity, other.keyPair.publicKey);
    try {
      const r = await receiveMessage(member.ctx, member.state!, commit.commit);
      expect(r).toMatchObject({
        kind: 'rejected',
        contentType: 'commit',
        reason: 'not_authenticated',
      });
      expect(r.kind === 'rejected' && rejections(r.events)).toContain('directory_key_mismatch');
    } finally {
      world.directory.register(gina.device.identity, gina.device.keyPair.publicKey);
    }
  });
});

describe('pending proposals that went bad before the commit', () => {
  it('are left out of the commit instead of making it fail', async () => {
    const host = await world.participant('host-3');
    await startMeeting(world, host);
    const [ok, soon] = [await world.participant('ok-3'), await world.participant('soon-banned-3')];
    for (const p of [ok, soon]) {
      const bundle = await world.keyPackage(p);
      const [r] = await deliver([host], await world.proposeAdd(host.state!, bundle.publicBytes));
      expect(r?.kind).toBe('proposal_pending');
    }
    world.directory.banned.add(soon.device.identity.userId);
    const commit = await commitPending(host.ctx, host.state!);
    if (commit.kind !== 'commit') throw new Error('expected a commit');
    expect(commit.added.map((m) => m.identity?.userId)).toEqual(['user-ok-3']);
    expect(rejections(commit.events)).toEqual(['not_admitted']);
  });
});

describe('adds that bypass the server', () => {
  it('a commit that adds a member by value (not through a server proposal) is refused by policy', async () => {
    const host = await world.participant('host-4');
    const member = await world.participant('member-4');
    await startMeeting(world, host);
    await addMembers(world, [host], host, [member]);
    const sneaky = await world.participant('sneaky-4'); // known to the directory, but never admitted by the server
    const bundle = await world.keyPackage(sneaky);
    const keyPackage = decodeKeyPackageMessage(bundle.publicBytes);
    const rogue = await createCommit(
      { state: unwrap(host.state!), cipherSuite: world.crypto.impl },
      {
        extraProposals: [{ proposalType: 'add', add: { keyPackage } }],
        ratchetTreeExtension: true,
      },
    );
    const r = await receiveMessage(member.ctx, member.state!, encodeMlsMessage(rogue.commit));
    expect(r).toMatchObject({ kind: 'rejected', contentType: 'commit', reason: 'policy' });
    expect(members(r.state).map((m) => m.identity?.userId)).toEqual([
      'user-host-4',
      'user-member-4',
    ]);
  });
});
