// The delivery service's periodic update waits while a connected member has not said it reached
// the current epoch — at most one more interval — on the real server (the schedule itself:
// periodic-update.test.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startedMeeting } from './support/deployment.ts';
import { deploymentForFile } from './support/file-deployment.ts';
import { converged, type TestParticipant } from './support/mls-client.ts';

const INTERVAL_MS = 3_000;
const world = deploymentForFile({ updateIntervalMs: INTERVAL_MS });

const askedForUpdate = (members: TestParticipant[]): boolean =>
  members.some((p) => p.socket.all('commit-request').some((r) => r.reason === 'update'));

describe('the periodic update on the real server', () => {
  it('waits for a member that has not said it reached the epoch, then goes at one more interval', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await world.participant('dave');
    await dave.join(meetingId);
    const alice = await world.participant('alice');
    alice.behaviour.silentAboutEpochs = true;
    await alice.join(meetingId);
    await converged([dave, alice], 1n);
    const members = [dave, alice];
    // Without the wait the update would be asked for an interval after the commit; with it, not
    // before two (the half interval between is slack for a loaded machine, either way).
    await sleep(INTERVAL_MS + 500);
    expect(askedForUpdate(members)).toBe(false);
    const deadline = Date.now() + 3 * INTERVAL_MS;
    while (!askedForUpdate(members) && Date.now() < deadline) await sleep(50);
    expect(askedForUpdate(members)).toBe(true);
    await converged(members, 2n);
    expect(dave.securityCode).toBe(alice.securityCode);
  });
});
