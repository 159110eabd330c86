// Real groups, real SFrame frames through the epoch key ring, the server simulated through the
// server-safe entry (external-sender key, proposals, public headers). Every scenario checks the
// rosters and the security codes members would compare.
import { describe, expect, it } from 'vitest';
import {
  commitPending,
  commitUpdate,
  EpochKeyRing,
  MediaContext,
  members,
  nodeCryptoBackend,
  ownLeafIndex,
  receiveMessage,
  securityCode,
  syncKeyRing,
  epoch,
} from '../../src/member.ts';
import { readMessageHeader } from '../../src/server.ts';
import { addMembers, deliver, startMeeting, World, type Participant } from '../mls/world.ts';

const RETENTION_MS = 10_000;
const metadata = new Uint8Array([0x01, 0x00, 0x2a]); // stands in for the relay envelope header

class Clock {
  now = 1_000_000;
}

interface Member extends Participant {
  ring: EpochKeyRing;
}

async function withRing(world: World, name: string, clock: Clock): Promise<Member> {
  const p = await world.participant(name);
  return Object.assign(p, {
    ring: new EpochKeyRing({
      backend: nodeCryptoBackend(),
      retentionMs: RETENTION_MS,
      now: () => clock.now,
    }),
  });
}

async function sync(...ms: Member[]): Promise<void> {
  for (const m of ms) await syncKeyRing(m.ring, m.state!);
}

async function frame(from: Member, text: string): Promise<Uint8Array> {
  const r = await from.ring.protect(MediaContext.audio, new TextEncoder().encode(text), metadata);
  if (r.kind !== 'ok') throw new Error(`protect refused: ${r.reason}`);
  return r.frame;
}

async function open(to: Member, bytes: Uint8Array): Promise<string> {
  const r = await to.ring.unprotect(bytes, metadata);
  return r.kind === 'ok' ? new TextDecoder().decode(r.plaintext) : `drop:${r.reason}`;
}

/** All members agree on the roster and the security code. */
function expectAgreement(ms: readonly Member[], names: readonly string[]): void {
  const rosters = ms.map((m) =>
    members(m.state!).map((e) => `${e.leafIndex}:${e.identity?.userId}:${e.fingerprint}`),
  );
  for (const r of rosters) expect(r).toEqual(rosters[0]);
  expect(members(ms[0]!.state!).map((e) => e.identity?.userId)).toEqual(
    names.map((n) => `user-${n}`),
  );
  const codes = new Set(ms.map((m) => securityCode(m.state!)));
  expect(codes.size).toBe(1);
}

/** The delivery service: one canonical commit per epoch, first valid one wins. */
class DeliveryService {
  constructor(public epoch: bigint) {}

  submitCommit(bytes: Uint8Array): 'accepted' | 'stale_epoch' {
    const header = readMessageHeader(bytes);
    if (header.wireFormat !== 'private_message' && header.wireFormat !== 'public_message')
      throw new Error('not a handshake');
    if (header.contentType !== 'commit' || header.epoch !== this.epoch) return 'stale_epoch';
    this.epoch++;
    return 'accepted';
  }
}

describe('an E2EE meeting', () => {
  it('three members exchange frames; a fourth joins and cannot read the past; a removed one cannot read what follows', async () => {
    const clock = new Clock();
    const world = await World.create();
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((n) => withRing(world, n, clock)),
    );
    await startMeeting(world, alice!);
    await addMembers(world, [alice!], alice!, [bob!, carol!]);
    await sync(alice!, bob!, carol!);
    expectAgreement([alice!, bob!, carol!], ['alice', 'bob', 'carol']);

    // 1. Everyone decrypts everyone.
    for (const from of [alice!, bob!, carol!]) {
      const f = await frame(from, `hello from ${from.name}`);
      for (const to of [alice!, bob!, carol!]) {
        if (to === from) continue;
        expect(await open(to, f)).toBe(`hello from ${from.name}`);
      }
    }
    const before = await frame(alice!, 'before dave');

    // 2. Dave joins: he reads what is sent now, not what was sent before.
    await addMembers(world, [alice!, bob!, carol!], bob!, [dave!]);
    await sync(alice!, bob!, carol!, dave!);
    expectAgreement([alice!, bob!, carol!, dave!], ['alice', 'bob', 'carol', 'dave']);
    expect(await open(dave!, before)).toBe('drop:unknown_epoch');
    const welcomeFrame = await frame(alice!, 'welcome dave');
    for (const to of [bob!, carol!, dave!])
      expect(await open(to, welcomeFrame)).toBe('welcome dave');
    const fromDave = await frame(dave!, 'hi from dave');
    for (const to of [alice!, bob!, carol!]) expect(await open(to, fromDave)).toBe('hi from dave');

    // 3. The server removes carol; bob commits. Frames in flight from the old epoch still play
    // within the retention time; what is sent after the removal never decrypts for carol.
    const inFlight = await frame(alice!, 'in flight');
    const remove = await world.proposeRemove(alice!.state!, ownLeafIndex(carol!.state!));
    await deliver([alice!, bob!, carol!, dave!], remove);
    const commit = await commitPending(bob!.ctx, bob!.state!);
    if (commit.kind !== 'commit') throw new Error('expected a commit');
    bob!.state = commit.state;
    const results = await deliver([alice!, carol!, dave!], commit.commit);
    expect(results.map((r) => r.kind)).toEqual(['commit_applied', 'removed', 'commit_applied']);
    await sync(alice!, bob!, dave!);
    expectAgreement([alice!, bob!, dave!], ['alice', 'bob', 'dave']);
    expect(members(alice!.state!).find((m) => m.leafIndex === 2)).toBeUndefined();

    const after = await frame(alice!, 'after carol left');
    expect(await open(carol!, after)).toBe('drop:unknown_epoch');
    for (const to of [bob!, dave!]) expect(await open(to, after)).toBe('after carol left');
    expect(await open(dave!, inFlight)).toBe('in flight'); // previous epoch, within retention
    clock.now += RETENTION_MS + 1;
    const later = await frame(bob!, 'much later');
    expect(await open(carol!, later)).toBe('drop:unknown_epoch');
    expect(await open(alice!, later)).toBe('much later');
    // Within retention a second copy would be a replay; now the old epoch's keys are gone.
    expect(await open(dave!, inFlight)).toBe('drop:unknown_epoch');
  });

  it('two members commit in the same epoch: the first wins, the loser re-syncs, everyone converges', async () => {
    const clock = new Clock();
    const world = await World.create();
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((n) => withRing(world, n, clock)),
    );
    await startMeeting(world, alice!);
    await addMembers(world, [alice!], alice!, [bob!, carol!]);
    const ds = new DeliveryService(epoch(alice!.state!));

    const fromAlice = await commitUpdate(alice!.ctx, alice!.state!);
    const fromBob = await commitUpdate(bob!.ctx, bob!.state!);
    if (fromAlice.kind !== 'commit' || fromBob.kind !== 'commit')
      throw new Error('expected commits');
    expect(ds.submitCommit(fromAlice.commit)).toBe('accepted');
    expect(ds.submitCommit(fromBob.commit)).toBe('stale_epoch');

    alice!.state = fromAlice.state; // the winner adopts its candidate state
    // The loser keeps its previous state and processes the winning commit.
    const [atBob, atCarol] = await deliver([bob!, carol!], fromAlice.commit);
    expect(atBob?.kind).toBe('commit_applied');
    expect(atCarol?.kind).toBe('commit_applied');
    // Had the losing commit reached anyone, it would change nothing there.
    expect((await receiveMessage(carol!.ctx, carol!.state!, fromBob.commit)).kind).toBe(
      'stale_epoch',
    );

    await sync(alice!, bob!, carol!);
    expectAgreement([alice!, bob!, carol!], ['alice', 'bob', 'carol']);
    expect(epoch(bob!.state!)).toBe(ds.epoch);
    const f = await frame(bob!, 'converged');
    expect(await open(alice!, f)).toBe('converged');
    expect(await open(carol!, f)).toBe('converged');
  });
});
