// A meeting group's life: epochs, security codes, rosters, the exporter, removal, stale and
// future messages, chat, and stored state.
import { createHash, createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  commitPending,
  commitUpdate,
  createDevice,
  decodeState,
  encodeState,
  encryptApplicationMessage,
  epoch,
  exportDevice,
  exportSFrameBaseKey,
  importDevice,
  members,
  openState,
  ownLeafIndex,
  receiveMessage,
  sealState,
  securityCode,
  MlsError,
  type MeetingState,
} from '../../src/member.ts';
import { exportExternalSender, importExternalSender, keyFingerprint } from '../../src/server.ts';
import { unwrap } from '../../src/mls/member/state.ts';
import { commitWithInlineProposals, proposalByMember } from './member-forgery.ts';
import { addMembers, deliver, startMeeting, World, type Participant } from './world.ts';

let world: World;
let alice: Participant;
let bob: Participant;
let carol: Participant;

beforeEach(async () => {
  world = await World.create();
  alice = await world.participant('alice');
  bob = await world.participant('bob');
  carol = await world.participant('carol');
  await startMeeting(world, alice);
  await addMembers(world, [alice], alice, [bob, carol]);
});

const all = (): Participant[] => [alice, bob, carol];
const s = (p: Participant): MeetingState => p.state!;

describe('epochs and what they derive', () => {
  it('gives every member the same 20-digit security code, and a new one in each epoch', async () => {
    const codes = all().map((p) => securityCode(s(p)));
    expect(new Set(codes).size).toBe(1);
    expect(codes[0]).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);

    const update = await commitUpdate(bob.ctx, s(bob));
    if (update.kind !== 'commit') throw new Error('expected a commit');
    bob.state = update.state;
    await deliver([alice, carol], update.commit);
    const next = all().map((p) => securityCode(s(p)));
    expect(new Set(next).size).toBe(1);
    expect(next[0]).not.toBe(codes[0]);
    expect(all().map((p) => epoch(s(p)))).toEqual([2n, 2n, 2n]);
  });

  it('exports the SFrame base key exactly as RFC 9605 §5.2 defines it, equal for all members', async () => {
    const keys = await Promise.all(all().map((p) => exportSFrameBaseKey(s(p))));
    expect(keys[0]).toHaveLength(16);
    for (const k of keys) expect(k).toEqual(keys[0]);
    // MLS-Exporter(Label, Context, Length) = ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length)
    const exporterSecret = unwrap(s(alice)).keySchedule.exporterSecret;
    const derived = expandWithLabel(
      expandWithLabel(exporterSecret, 'SFrame 1.0 Base Key', new Uint8Array(0), 32),
      'exported',
      sha256(new Uint8Array(0)),
      16,
    );
    expect(keys[0]).toEqual(derived);
  });

  it('lists the roster from the tree with each key fingerprint, and marks this member', () => {
    const roster = members(s(bob));
    expect(roster.map((m) => [m.leafIndex, m.identity?.userId, m.self])).toEqual([
      [0, 'user-alice', false],
      [1, 'user-bob', true],
      [2, 'user-carol', false],
    ]);
    expect(roster[2]!.fingerprint).toBe(keyFingerprint(carol.device.keyPair.publicKey));
    expect(roster[2]!.fingerprint).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(ownLeafIndex(s(carol))).toBe(2);
  });
});

describe('removal', () => {
  it('removes a member on the server’s proposal; the removed member learns it', async () => {
    const proposal = await world.proposeRemove(s(alice), ownLeafIndex(s(carol)));
    const pending = await deliver(all(), proposal);
    expect(pending.map((r) => r.kind)).toEqual([
      'proposal_pending',
      'proposal_pending',
      'proposal_pending',
    ]);
    // Carol cannot commit her own removal; someone else does.
    expect(await commitPending(carol.ctx, s(carol))).toMatchObject({ kind: 'nothing_to_commit' });
    const result = await commitPending(bob.ctx, s(bob));
    if (result.kind !== 'commit') throw new Error('expected a commit');
    expect(result.removed.map((m) => m.identity?.userId)).toEqual(['user-carol']);
    bob.state = result.state;
    const [atAlice, atCarol] = await deliver([alice, carol], result.commit);
    expect(atAlice).toMatchObject({ kind: 'commit_applied', epoch: 2n });
    expect(atCarol?.kind).toBe('removed');
    expect(members(s(alice)).map((m) => m.identity?.userId)).toEqual(['user-alice', 'user-bob']);
    await expect(exportSFrameBaseKey(s(carol))).rejects.toMatchObject({ code: 'not_active' });
    expect(securityCode(s(alice))).toBe(securityCode(s(bob)));
  });

  it('refuses a member’s commit that removes another member: Removes come only from the server', async () => {
    const forged = await commitWithInlineProposals(alice, [
      { proposalType: 'remove', remove: { removed: ownLeafIndex(s(bob)) } },
    ]);
    const before = [s(bob), s(carol)];
    const [atBob, atCarol] = await deliver([bob, carol], forged);
    for (const result of [atBob, atCarol])
      expect(result).toMatchObject({ kind: 'rejected', contentType: 'commit', reason: 'policy' });
    // Nothing changed for anyone: same state, same epoch, bob still in every roster.
    expect([s(bob), s(carol)]).toEqual(before);
    expect(members(s(carol)).map((m) => m.identity?.userId)).toEqual([
      'user-alice',
      'user-bob',
      'user-carol',
    ]);
  });

  it('refuses a Remove proposed by a member', async () => {
    const proposal = await proposalByMember(alice, {
      proposalType: 'remove',
      remove: { removed: ownLeafIndex(s(carol)) },
    });
    const before = s(bob);
    const [atBob] = await deliver([bob], proposal);
    expect(atBob).toMatchObject({ kind: 'rejected', contentType: 'proposal', reason: 'policy' });
    expect(s(bob)).toBe(before);
    expect(await commitPending(bob.ctx, s(bob))).toMatchObject({ kind: 'nothing_to_commit' });
  });
});

describe('messages out of their epoch', () => {
  it('answers a replayed commit with stale_epoch and a missed one with future_epoch, changing nothing', async () => {
    const first = await commitUpdate(alice.ctx, s(alice));
    if (first.kind !== 'commit') throw new Error('expected a commit');
    alice.state = first.state;
    await deliver([bob], first.commit);
    const replay = await receiveMessage(bob.ctx, s(bob), first.commit);
    expect(replay).toMatchObject({ kind: 'stale_epoch', messageEpoch: 1n, currentEpoch: 2n });
    expect(replay.state).toBe(bob.state);

    // Carol missed `first`; the next commit is from her future.
    const second = await commitUpdate(bob.ctx, s(bob));
    if (second.kind !== 'commit') throw new Error('expected a commit');
    const ahead = await receiveMessage(carol.ctx, s(carol), second.commit);
    expect(ahead).toMatchObject({ kind: 'future_epoch', messageEpoch: 2n, currentEpoch: 1n });

    const elsewhere = await World.create();
    const stranger = await elsewhere.participant('x');
    await startMeeting(elsewhere, stranger);
    const foreign = await elsewhere.proposeRemove(s(stranger), 0);
    expect((await receiveMessage(alice.ctx, s(alice), foreign)).kind).toBe('wrong_group');
  });

  it('refuses proposals from anyone but the server or a member', async () => {
    const other = await World.create();
    // Same group id and epoch, signed by another external-sender key.
    const forged = await (
      await import('../../src/server.ts')
    ).proposeExternalRemove(
      other.crypto,
      other.server,
      { groupId: unwrap(s(alice)).groupContext.groupId, epoch: epoch(s(alice)) },
      2,
    );
    const r = await receiveMessage(alice.ctx, s(alice), forged);
    expect(r).toMatchObject({ kind: 'rejected', contentType: 'proposal' });
  });
});

describe('chat', () => {
  it('carries application messages end to end', async () => {
    const text = new TextEncoder().encode('hello, meeting');
    const sent = await encryptApplicationMessage(bob.ctx, s(bob), text);
    bob.state = sent.state;
    const [atAlice, atCarol] = await deliver([alice, carol], sent.message);
    expect(atAlice).toMatchObject({ kind: 'application', data: text });
    expect(atCarol).toMatchObject({ kind: 'application', data: text });
  });

  it('reads a message sent up to two epochs before the reader’s, and no older one', async () => {
    const text = new TextEncoder().encode('sent before the commits');
    const late: Uint8Array[] = [];
    for (let n = 0; n < 3; n++) {
      const sent = await encryptApplicationMessage(bob.ctx, s(bob), text);
      bob.state = sent.state;
      late.push(sent.message);
      const update = await commitUpdate(alice.ctx, s(alice));
      if (update.kind !== 'commit') throw new Error('expected a commit');
      alice.state = update.state;
      await deliver([bob, carol], update.commit);
    }
    // Carol is at epoch 4: the messages of epochs 3 and 2 are kept, epoch 1's keys are gone.
    expect(epoch(s(carol))).toBe(4n);
    const [of1, of2, of3] = late;
    expect(await receiveMessage(carol.ctx, s(carol), of3!)).toMatchObject({
      kind: 'application',
      data: text,
    });
    expect(await receiveMessage(carol.ctx, s(carol), of2!)).toMatchObject({
      kind: 'application',
      data: text,
    });
    const gone = await receiveMessage(carol.ctx, s(carol), of1!);
    expect(gone).toMatchObject({ kind: 'rejected', contentType: 'application' });
    expect(gone.state).toBe(carol.state);
  });
});

describe('stored state', () => {
  it('seals and reopens a state that goes on working; a wrong key or tampered bytes do not open', async () => {
    const key = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const sealed = await sealState(s(carol), key);
    expect(Buffer.from(sealed).includes(Buffer.from(carol.device.keyPair.privateKey))).toBe(false);
    const restored = await openState(world.crypto, sealed, key);
    expect(securityCode(restored)).toBe(securityCode(s(carol)));

    const update = await commitUpdate(alice.ctx, s(alice));
    if (update.kind !== 'commit') throw new Error('expected a commit');
    const r = await receiveMessage(carol.ctx, restored, update.commit);
    expect(r).toMatchObject({ kind: 'commit_applied', epoch: 2n });
    expect(securityCode(r.state)).toBe(securityCode(update.state));

    await expect(openState(world.crypto, sealed, new Uint8Array(32))).rejects.toMatchObject({
      code: 'state_unreadable',
    });
    const tampered = sealed.slice();
    tampered[tampered.length - 1]! ^= 1;
    await expect(openState(world.crypto, tampered, key)).rejects.toMatchObject({
      code: 'state_unreadable',
    });
    expect(() => decodeState(world.crypto, encodeState(s(carol)).subarray(0, 100))).toThrow(
      MlsError,
    );
  });

  it('round-trips device and server key pairs and refuses a pair whose halves do not match', async () => {
    const device = await importDevice(world.crypto, exportDevice(alice.device));
    expect(device).toEqual(alice.device);
    const server = await importExternalSender(world.crypto, exportExternalSender(world.server));
    expect(server).toEqual(world.server);
    const other = await createDevice(world.crypto, alice.device.identity);
    const mixed = exportDevice({
      identity: alice.device.identity,
      keyPair: { publicKey: other.keyPair.publicKey, privateKey: alice.device.keyPair.privateKey },
    });
    await expect(importDevice(world.crypto, mixed)).rejects.toMatchObject({ code: 'bad_key' });
  });
});

function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

function expandWithLabel(
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const fullLabel = Buffer.from(`MLS 1.0 ${label}`);
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff]),
    Buffer.from([fullLabel.length]),
    fullLabel,
    Buffer.from([context.length]),
    context,
  ]);
  const out: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    previous = createHmac('sha256', secret)
      .update(Buffer.concat([previous, info, Buffer.from([i])]))
      .digest();
    out.push(previous);
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}
