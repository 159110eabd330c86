// Graceful shutdown (issue 12 "Graceful shutdown", issue 16 item 4): when the server stops, a join
// is refused with `server_restarting`, a commit a member is making finishes (its Welcome reaches
// the joiner), every participant is told `server-restarting`, and only then do the sockets close —
// with 1012 (service restart) and a reason, not 1001 and nothing. REST meanwhile answers the typed
// 503 UNAVAILABLE with Retry-After.
import { afterEach, describe, expect, it } from 'vitest';
import { client, fails } from '../support/http.ts';
import { startDeployment, startedMeeting, type Deployment } from './support/deployment.ts';
import { TestParticipant } from './support/mls-client.ts';

let world: Deployment | undefined;
afterEach(async () => {
  await world?.close().catch(() => undefined);
  world = undefined;
});

describe('the server shutting down', () => {
  it('refuses joins, lets the commit in flight finish, says it is restarting, then closes 1012', async () => {
    world = await startDeployment({ batchWindowMs: 50, commitTimeoutMs: 20_000 });
    const { people } = world;
    const meetingId = await startedMeeting(people.dave, { e2ee: true });
    const dave = await TestParticipant.create(people.dave);
    await dave.connect(world.wsUrl);
    expect((await dave.join(meetingId)).type).toBe('joined');
    await dave.reachEpoch(0n);

    // dave is asked to commit alice's Add and takes his time: the server stops meanwhile.
    dave.behaviour.delayCommitMs = 1_500;
    const alice = await TestParticipant.create(people.alice);
    await alice.connect(world.wsUrl);
    const aliceJoined = alice.join(meetingId);
    await dave.socket.waitFor('commit-request');
    const bob = await TestParticipant.create(people.bob);
    await bob.connect(world.wsUrl);

    const closing = world.server.close();
    // A join now is refused, typed, and the socket stays up until the end.
    const refused = await bob.join(meetingId);
    expect(refused).toMatchObject({ type: 'error', code: 'server_restarting' });
    // A REST request meanwhile gets the contract's typed 503 with Retry-After, not a bare one.
    const during = await client(world.server.url)('GET', '/api/auth/me');
    fails(during, 503, 'UNAVAILABLE');
    expect(during.headers.get('retry-after')).toBe('5');

    // The commit dave was making went through: it was accepted, and alice got her Welcome (she
    // enters the group from it; her client checks the credentials once the server is back).
    expect((await aliceJoined).type).toBe('joined');
    await alice.socket.waitFor('welcome');
    await dave.socket.until(() => dave.accepted.length > 0, 5_000, 'dave told his commit won');

    await closing;
    for (const member of [dave, alice, bob]) {
      await member.socket.waitFor('server-restarting');
      await member.socket.until(() => member.socket.closeCode !== undefined, 5_000, 'closed');
      expect(member.socket.closeCode).toBe(1012);
    }
  });

  it('does not wait for a commit from a member who is gone', async () => {
    world = await startDeployment({
      batchWindowMs: 50,
      commitTimeoutMs: 60_000,
      shutdownGraceMs: 30_000,
    });
    const { people } = world;
    const meetingId = await startedMeeting(people.dave, { e2ee: true });
    const dave = await TestParticipant.create(people.dave);
    await dave.connect(world.wsUrl);
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    dave.behaviour.ignoreCommitRequests = true;
    const alice = await TestParticipant.create(people.alice);
    await alice.connect(world.wsUrl);
    void alice.join(meetingId);
    await dave.socket.waitFor('commit-request');
    dave.socket.close();
    await dave.socket.until(() => !dave.socket.open, 5_000, 'dave gone');

    const started = Date.now();
    await world.server.close();
    // The shutdown grace (30 s here) is for commits that can still come; dave's cannot.
    expect(Date.now() - started).toBeLessThan(15_000);
    await alice.socket.waitFor('server-restarting');
  });
});
