// The delivery service's clocks, shortened: the periodic update commit (key rotation), a silent
// socket timed out and removed, a dropped socket's grace time (resume inside it, Remove after it).
import { describe, expect, it } from 'vitest';
import { startedMeeting, type DemoPerson } from './support/deployment.ts';
import { deploymentForFile } from './support/file-deployment.ts';
import { converged, type TestParticipant } from './support/mls-client.ts';

const world = deploymentForFile({
  updateIntervalMs: 400,
  livenessTimeoutMs: 1_200,
  reconnectGraceMs: 1_500,
});

/** A participant that pings every 200 ms, as a live client does. */
async function participant(person: DemoPerson): Promise<TestParticipant> {
  const p = await world.participant(person);
  keepAlive(p);
  return p;
}

/** dave's E2EE meeting with `other` in it too, both at epoch 1. */
async function daveAnd(other: DemoPerson): Promise<[TestParticipant, TestParticipant, string]> {
  const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
  const dave = await participant('dave');
  await dave.join(meetingId);
  const second = await participant(other);
  await second.join(meetingId);
  await converged([dave, second], 1n);
  return [dave, second, meetingId];
}

const pingers = new Map<TestParticipant, ReturnType<typeof setInterval>>();
function keepAlive(p: TestParticipant): void {
  pingers.set(
    p,
    setInterval(() => {
      if (p.socket.open) p.socket.send({ type: 'ping', nonce: 1 });
    }, 200),
  );
}
function goSilent(p: TestParticipant): void {
  clearInterval(pingers.get(p));
}

describe('delivery-service timers', () => {
  it('asks for an update commit periodically; members rotate into new epochs without any membership change', async () => {
    const [dave, alice] = await daveAnd('alice');
    const code = dave.securityCode;
    const later = await converged([dave, alice], 3n);
    expect(later).toBeGreaterThanOrEqual(3n);
    expect(dave.socket.all('commit-request').some((r) => r.reason === 'update')).toBe(true);
    expect(dave.securityCode).not.toBe(code);
    expect(dave.securityCode).toBe(alice.securityCode);
    expect(dave.roster).toHaveLength(2);
    goSilent(dave);
    goSilent(alice);
  });

  it('times out a silent member and removes it from the group', async () => {
    const [dave, bob] = await daveAnd('bob');
    goSilent(bob);
    bob.behaviour.frozen = true;
    bob.socket.answersPings = false;
    expect(await bob.socket.closed(5_000)).toBeGreaterThan(0);
    await dave.socket.until(() => dave.roster.length === 1, 8_000, 'bob removed');
    expect(dave.roster).toEqual([dave.deviceId]);
    goSilent(dave);
  });

  it('keeps a member that is busy but answers WebSocket pings (no app-level ping for longer than the timeout)', async () => {
    const [dave, alice] = await daveAnd('alice');
    // alice's app is stuck in long work: it sends nothing at all (no ping, no epoch-reached for
    // the periodic updates), but its socket layer still answers the server's WebSocket pings.
    goSilent(alice);
    const send = alice.socket.send.bind(alice.socket);
    alice.socket.send = () => undefined;
    await new Promise((resolve) => setTimeout(resolve, 3 * 1_200));
    expect(alice.socket.open).toBe(true);
    expect(dave.roster).toHaveLength(2);
    alice.socket.send = send;
    goSilent(dave);
  });

  it('keeps a dropped member for the grace time: it resumes inside it, and is removed after it', async () => {
    const [dave, alice, meetingId] = await daveAnd('alice');

    // alice's connection drops; she comes back on a new socket and resumes her state.
    goSilent(alice);
    alice.socket.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await alice.connect(world.wsUrl);
    keepAlive(alice);
    const resumed = await alice.join(meetingId, { resume: true });
    expect(resumed).toMatchObject({ type: 'joined', mls: { role: 'resume' } });
    const epoch = await converged([dave, alice], 1n);
    expect(dave.roster).toHaveLength(2);

    // Dropped again, and gone for good: removed once the grace time is over.
    goSilent(alice);
    alice.socket.close();
    await dave.socket.until(
      () => dave.roster.length === 1,
      8_000,
      'alice removed after the grace time',
    );
    expect(dave.epoch).toBeGreaterThan(epoch);
    goSilent(dave);
  });
});
