// An E2EE meeting end to end over the real server: real sockets, real MLS members. The server is
// the group's external sender and delivery service: one commit per batch by one committer, the
// first commit of an epoch wins, Welcomes go only to the joiners a winning commit names, and
// whoever leaves or fails is removed by a committed Remove (and stops getting media at once).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  auditEntries,
  startedMeeting,
  testRealtime,
  type DemoPerson,
} from './support/deployment.ts';
import { deploymentForFile } from './support/file-deployment.ts';
import { converged, type TestParticipant } from './support/mls-client.ts';

// A wide batch window, so joiners sent together land in one batch even on a busy machine.
const world = deploymentForFile({ batchWindowMs: 250 });
const participant = (person: DemoPerson, name?: string) => world.participant(person, name);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function noProblems(...ps: TestParticipant[]): void {
  for (const p of ps) {
    expect(p.problems, p.name).toEqual([]);
    expect(p.socket.invalid, p.name).toEqual([]);
  }
}

/** A started E2EE meeting of dave's, with dave (who founded the group) and alice at epoch 1. */
async function daveAndAlice() {
  const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
  const dave = await participant('dave');
  await dave.join(meetingId);
  await dave.reachEpoch(0n);
  const alice = await participant('alice');
  await alice.join(meetingId);
  await converged([dave, alice], 1n);
  return { meetingId, dave, alice };
}

describe('an E2EE meeting', () => {
  it('admits three members with one commit for the batch, then a fourth; a leaver is removed and stops getting media at once', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    const created = await dave.join(meetingId);
    expect(created).toMatchObject({
      type: 'joined',
      endToEndEncryption: true,
      mls: { role: 'create-group', cipherSuite: 1 },
    });
    await dave.reachEpoch(0n);

    // Two joiners inside one batch window: one Add each, ONE commit for both.
    const [alice, bob] = await Promise.all([participant('alice'), participant('bob')]);
    const answers = await Promise.all([alice.join(meetingId), bob.join(meetingId)]);
    for (const answer of answers)
      expect(answer).toMatchObject({ type: 'joined', mls: { role: 'await-welcome' } });
    expect(await converged([dave, alice, bob], 1n)).toBe(1n);
    expect(dave.accepted).toEqual(['0']);
    expect(dave.socket.all('commit-request')).toHaveLength(1);
    // The committer is told how long the batch waited (at least the batch window).
    const [request] = dave.socket.all('commit-request');
    expect(request!.waitedMs).toBeGreaterThanOrEqual(250);
    // Nothing held it back but the window: the group was founded, no commit was awaited.
    expect(request!.blockedMs).toBe(0);
    expect(new Set([dave, alice, bob].map((p) => p.securityCode)).size).toBe(1);
    const three = [dave, alice, bob].map((p) => p.deviceId).sort();
    for (const p of [dave, alice, bob]) expect(p.roster).toEqual(three);
    expect(alice.welcomes).toHaveLength(1);
    expect(bob.welcomes).toEqual(alice.welcomes);
    // The one Welcome tells each joiner its own wait: at least the window after the last arrival.
    const { waits } = alice.socket.all('welcome')[0]!;
    expect(Object.keys(waits ?? {}).sort()).toEqual(
      [alice.participantId!, bob.participantId!].sort(),
    );
    for (const wait of Object.values(waits ?? {})) {
      expect(wait.waitedMs).toBeGreaterThanOrEqual(245);
      expect(wait.blockedMs).toBe(0);
    }

    const admin = await participant('admin');
    expect(await admin.join(meetingId)).toMatchObject({ type: 'joined' });
    expect(await converged([dave, alice, bob, admin], 2n)).toBe(2n);
    expect(new Set([dave, alice, bob, admin].map((p) => p.securityCode)).size).toBe(1);
    expect(admin.roster).toHaveLength(4);

    // Media flows to everyone else, then bob leaves: nothing sent after his leave reaches him.
    alice.sendFrame(1);
    await bob.socket.until(() => bob.socket.frames.length === 1);
    await dave.socket.until(() => dave.socket.frames.length === 1);
    bob.leave();
    alice.sendFrame(2);
    await bob.socket.waitFor('removed', (m) => m.reason === 'left');
    await dave.socket.until(() => dave.socket.frames.length === 2);
    await admin.socket.until(() => admin.socket.frames.length === 2);
    await sleep(50);
    expect(bob.socket.frames).toHaveLength(1);

    // The server proposed bob's Remove; a member committed it; the rest converge without him.
    const after = await converged([dave, alice, admin], 3n);
    expect(after).toBe(3n);
    const remaining = [dave, alice, admin].map((p) => p.deviceId).sort();
    for (const p of [dave, alice, admin]) expect(p.roster).toEqual(remaining);
    expect(bob.epoch).toBe(2n);
    const proposals = dave.socket.all('proposal');
    expect(proposals.filter((p) => p.kind === 'remove').map((p) => p.participantId)).toEqual([
      bob.participantId,
    ]);

    // E2EE chat is an MLS application message the server relays without reading.
    await alice.sendChat('hello, securely');
    await dave.socket.until(() => dave.chat.length === 1);
    await admin.socket.until(() => admin.chat.length === 1);
    expect(dave.chat).toEqual(['hello, securely']);
    expect(dave.socket.all('media-key')).toEqual([]);
    noProblems(dave, alice, bob, admin);

    const created_ = await auditEntries(world.people.admin, 'e2ee.group.created');
    expect(created_.some((e) => e.subject === `meeting:${meetingId}`)).toBe(true);
    expect(JSON.stringify(created_)).not.toMatch(/keyPackage|groupId|secret/i);

    // Invariant 1: neither the epoch's SFrame base key nor the chat is anywhere on the server's disk
    // (database and WAL) or in its log.
    const baseKey = Buffer.from(await dave.baseKey());
    expect(Buffer.from(await alice.baseKey())).toEqual(baseKey);
    const disk = Buffer.concat(
      readdirSync(world.dataDir).map((f) => readFileSync(join(world.dataDir, f))),
    );
    const logs = world.logLines.join('\n');
    for (const needle of [
      baseKey,
      Buffer.from(baseKey.toString('base64')),
      Buffer.from(baseKey.toString('hex')),
      Buffer.from('hello, securely'),
    ]) {
      expect(disk.includes(needle)).toBe(false);
      expect(logs.includes(needle.toString())).toBe(false);
    }
  });

  it('admits a join storm in a few batched commits, not one commit per joiner', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    const people: DemoPerson[] = ['alice', 'bob', 'admin'];
    const joiners = await Promise.all(
      Array.from({ length: 15 }, (_, i) => participant(people[i % 3] ?? 'alice', `joiner-${i}`)),
    );
    const started = performance.now();
    await Promise.all(joiners.map((j) => j.join(meetingId)));
    const epoch = await converged([dave, ...joiners], 1n, 20_000);
    const elapsed = performance.now() - started;
    // Each epoch is one commit; 15 joiners arriving together fit in a handful of batches.
    expect(epoch).toBeLessThanOrEqual(5n);
    expect(dave.roster).toHaveLength(16);
    expect(new Set([dave, ...joiners].map((p) => p.securityCode)).size).toBe(1);
    expect(elapsed).toBeLessThan(15_000);
    noProblems(dave, ...joiners);
  });

  it('gathers joins that keep arriving closer than the batch window into one commit', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    const people: DemoPerson[] = ['alice', 'bob', 'admin'];
    const joiners = await Promise.all(
      Array.from({ length: 6 }, (_, i) => participant(people[i % 3] ?? 'alice', `stream-${i}`)),
    );
    // One join every 100 ms: 500 ms in all, twice the 250 ms window, within the 1 s maximum.
    for (const joiner of joiners) {
      await joiner.join(meetingId);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await converged([dave, ...joiners], 1n, 20_000)).toBe(1n);
    expect(dave.roster).toHaveLength(7);
    noProblems(dave, ...joiners);
  });

  it('learns each joiner’s leaf from the commit, never from a member: a false leaf claim moves nobody', async () => {
    const organizer = world.people.dave;
    const meetingId = await startedMeeting(organizer, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    // alice and bob join in one commit; alice (the attacker) claims bob's leaf as her own.
    const [alice, bob] = await Promise.all([participant('alice'), participant('bob')]);
    alice.behaviour.claimLeaf = (own) => (own === 1 ? 2 : 1);
    await Promise.all([alice.join(meetingId), bob.join(meetingId)]);
    await converged([dave, alice, bob], 1n);
    await alice.settled();
    const roster = await organizer.call('GET', `/api/meetings/${meetingId}/participants`);
    const leaves = Object.fromEntries(
      (
        roster.body as { participants: { participantId: string; leafIndex?: number }[] }
      ).participants.map((p) => [p.participantId, p.leafIndex]),
    );
    expect(leaves[alice.participantId!]).toBe(alice.leafIndex);
    expect(leaves[bob.participantId!]).toBe(bob.leafIndex);

    // The organizer removes alice: the server proposes removing HER leaf, and bob stays.
    const answer = await organizer.call(
      'POST',
      `/api/meetings/${meetingId}/participants/${alice.participantId}/remove`,
    );
    expect(answer.status, answer.text).toBe(200);
    const remove = await dave.socket.waitFor('proposal', (p) => p.kind === 'remove');
    expect(remove.participantId).toBe(alice.participantId);
    expect(await converged([dave, bob], 2n)).toBe(2n);
    expect(dave.roster).toEqual([dave.deviceId, bob.deviceId].sort());
    expect(bob.roster).toEqual(dave.roster);
    noProblems(dave, bob);
  });

  it('tells the committer how long a batch was held back by the commit before it, and each joiner its own wait', async () => {
    const { meetingId, dave, alice } = await daveAndAlice();
    // dave holds bob's commit back; the admin, then alice's phone 300 ms later, arrive while it is
    // awaited.
    let release = () => {};
    dave.behaviour.holdCommit = new Promise((resolve) => (release = resolve));
    const bob = await participant('bob');
    await bob.join(meetingId);
    await dave.socket.waitFor('commit-request', (m) => m.epoch === '1');
    const [admin, phone] = await Promise.all([participant('admin'), participant('alice', 'phone')]);
    await admin.join(meetingId);
    await sleep(300);
    await phone.join(meetingId);
    await sleep(300);
    delete dave.behaviour.holdCommit;
    release();
    const request = await dave.socket.waitFor('commit-request', (m) => m.epoch === '2');
    // Ready after the 250 ms window, then blocked until bob's commit came (≥ 350 ms more).
    // Node's timers may fire a millisecond or two before the performance clock says the
    // window is over (they run on a coarser clock), hence the small allowance on the window.
    expect(request.blockedMs).toBeGreaterThanOrEqual(300);
    expect(request.waitedMs! - request.blockedMs!).toBeGreaterThanOrEqual(245);
    expect(await converged([dave, alice, bob, admin, phone], 3n)).toBe(3n);

    // One Welcome for both, with each one's own wait: the admin's is the batch's (it came first),
    // the phone's is at least 300 ms shorter and all blocked (the batch was blocked when it came).
    const welcome = await phone.socket.waitFor('welcome');
    expect(admin.socket.all('welcome')).toEqual([welcome]);
    const own = welcome.waits ?? {};
    const first = own[admin.participantId!]!;
    const second = own[phone.participantId!]!;
    expect(Math.abs(first.waitedMs - request.waitedMs!)).toBeLessThanOrEqual(1);
    expect(Math.abs(first.blockedMs - request.blockedMs!)).toBeLessThanOrEqual(1);
    expect(first.waitedMs - second.waitedMs).toBeGreaterThanOrEqual(295);
    expect(second.blockedMs).toBe(second.waitedMs);
    expect(second.waitedMs).toBeGreaterThanOrEqual(295);
  });

  it('removes a member that commits without being asked, audits it, and goes on admitting people', async () => {
    const { meetingId, dave, alice } = await daveAndAlice();

    // dave has the lowest leaf and is asked (and takes his time); alice commits bob's Add on
    // arrival, unasked.
    dave.behaviour.delayCommitMs = 1_000;
    alice.behaviour.commitOnProposal = true;
    const bob = await participant('bob');
    await bob.join(meetingId);
    expect((await alice.socket.waitFor('removed')).reason).toBe('protocol-violation');
    expect(alice.accepted).toEqual([]);
    expect(await converged([dave, bob], 3n)).toBe(3n);
    delete dave.behaviour.delayCommitMs;
    expect(dave.roster).toEqual([dave.deviceId, bob.deviceId].sort());
    expect(bob.roster).toEqual(dave.roster);
    const expelled = await auditEntries(world.people.admin, 'e2ee.member.expelled');
    expect(
      expelled.some(
        (e) =>
          e.subject === `meeting:${meetingId}` &&
          (e.details as { violation?: string }).violation === 'unrequested-commit',
      ),
    ).toBe(true);

    // The group still takes joiners: nothing the attacker sent changed anyone's state.
    const admin = await participant('admin');
    await admin.join(meetingId);
    expect(await converged([dave, bob, admin], 4n)).toBe(4n);
    expect(new Set([dave, bob, admin].map((p) => p.securityCode)).size).toBe(1);
    noProblems(dave, bob, admin);
  });

  it('accepts exactly one of two concurrent commits; the loser is told stale-epoch and its Welcome is never delivered', async () => {
    const { meetingId, dave, alice } = await daveAndAlice();

    // Both members commit the next Add: dave, asked first, holds his commit past the committer
    // time-out, so alice is asked too (the sanctioned fallback) while dave's is still coming.
    dave.behaviour.delayCommitMs = (testRealtime.commitTimeoutMs ?? 0) + 1_000;
    const bob = await participant('bob');
    await bob.join(meetingId);
    await converged([dave, alice, bob], 2n, 20_000);
    delete dave.behaviour.delayCommitMs;
    const lost = () => [...dave.rejected, ...alice.rejected].some((r) => r.epoch === '1');
    await dave.socket.until(lost);
    const sent = [...dave.sentCommits, ...alice.sentCommits].filter((c) => c.epoch === '1');
    expect(sent).toHaveLength(2);
    const winners = [...dave.accepted, ...alice.accepted].filter((e) => e === '1');
    const losers = [...dave.rejected, ...alice.rejected].filter((r) => r.epoch === '1');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]).toMatchObject({ reason: 'stale-epoch', currentEpoch: '2' });
    const winner = dave.accepted.includes('1') ? dave : alice;
    const winningWelcome = winner.sentCommits.find((c) => c.epoch === '1')?.welcome;
    expect(bob.welcomes).toEqual([winningWelcome]);
    expect(new Set([dave, alice, bob].map((p) => p.securityCode)).size).toBe(1);
    noProblems(dave, alice, bob);
  });

  it('removes a member that cannot process a commit; it rejoins with a fresh KeyPackage', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    const [alice, bob] = await Promise.all([participant('alice'), participant('bob')]);
    await Promise.all([alice.join(meetingId), bob.join(meetingId)]);
    await converged([dave, alice, bob], 1n);

    bob.behaviour.failNextCommit = true;
    const admin = await participant('admin');
    await admin.join(meetingId);
    await bob.socket.waitFor('removed', (m) => m.reason === 'commit-failed');
    // Epoch 2 added admin, epoch 3 removed bob.
    expect(await converged([dave, alice, admin], 3n)).toBe(3n);
    expect(dave.roster).not.toContain(bob.deviceId);

    const again = await bob.join(meetingId);
    expect(again).toMatchObject({ type: 'joined', mls: { role: 'await-welcome' } });
    const epoch = await converged([dave, alice, admin, bob], 4n);
    expect(bob.roster).toEqual([dave, alice, admin, bob].map((p) => p.deviceId).sort());
    expect(new Set([dave, alice, admin, bob].map((p) => p.securityCode)).size).toBe(1);
    expect(epoch).toBe(4n);
    noProblems(dave, alice, admin);
  });

  it('turns a joiner away when a member’s authentication service refuses it; the group goes on', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    const alice = await participant('alice');
    await alice.join(meetingId);
    await converged([dave, alice], 1n);
    dave.behaviour.refuseUsers = new Set([world.people.bob.userId]);
    const bob = await participant('bob');
    expect(await bob.join(meetingId)).toMatchObject({ type: 'joined' });
    const blocked = await bob.socket.waitFor('join-blocked');
    expect(blocked.reasons.map((r) => r.code)).toEqual(['REFUSED_BY_MEMBERS']);
    const epoch = await converged([dave, alice], 1n);
    expect(dave.roster).not.toContain(bob.deviceId);
    expect(alice.roster).toEqual(dave.roster);
    expect(bob.welcomes).toEqual([]);
    const admin = await participant('admin');
    await admin.join(meetingId);
    await converged([dave, alice, admin], epoch + 1n);
    expect(admin.roster).toEqual([dave, alice, admin].map((p) => p.deviceId).sort());
    noProblems(dave, alice, admin);
  });

  it('founds the group again when its last member leaves before a joiner got in', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    dave.behaviour.ignoreCommitRequests = true;
    const bob = await participant('bob');
    const first = await bob.join(meetingId);
    await dave.socket.waitFor('commit-request');
    dave.leave();
    const again = await bob.socket.waitFor('joined', (m) => m.mls?.role === 'create-group');
    expect(first.type === 'joined' && first.mls?.groupId).not.toBe(again.mls?.groupId);
    await bob.reachEpoch(0n);
    const alice = await participant('alice');
    await alice.join(meetingId);
    expect(await converged([bob, alice], 1n)).toBe(1n);
    expect(bob.roster).toEqual([bob.deviceId, alice.deviceId].sort());
    noProblems(bob, alice);
  });

  it('hands group creation to the next joiner when the first participant leaves before creating it', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    dave.behaviour.frozen = true;
    expect(await dave.join(meetingId)).toMatchObject({
      type: 'joined',
      mls: { role: 'create-group' },
    });
    const alice = await participant('alice');
    expect(await alice.join(meetingId)).toMatchObject({
      type: 'joined',
      mls: { role: 'await-welcome' },
    });
    dave.leave();
    await alice.socket.waitFor('joined', (m) => m.mls?.role === 'create-group');
    await alice.reachEpoch(0n);
    const bob = await participant('bob');
    await bob.join(meetingId);
    expect(await converged([alice, bob], 1n)).toBe(1n);
    noProblems(alice, bob);
  });

  it('passes a silent committer over after the commit timeout', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    const alice = await participant('alice');
    await alice.join(meetingId);
    await converged([dave, alice], 1n);
    dave.behaviour.ignoreCommitRequests = true; // dave has the lowest leaf: asked first
    const bob = await participant('bob');
    await bob.join(meetingId);
    await converged([dave, alice, bob], 2n);
    expect(alice.accepted).toEqual(['1']);
    expect(dave.socket.all('commit-request').filter((r) => r.epoch === '1')).toHaveLength(1);
    noProblems(dave, alice, bob);
  });
});
