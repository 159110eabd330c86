// The room while the server restarts (issue 16 items 3–4): the server stops as on SIGTERM, so the
// browser is told it is restarting; the room says so, with the attempt it is on, instead of
// ending; when the server is back the banner goes, the meeting carries on in the same MLS group
// (same security code) and media flows again to a headless member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConclaveClient } from '@conclave/client';
import { settledCode } from './support/media.ts';
import { hostAndHeadlessGuest } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let bobClient: ConclaveClient | undefined;

beforeAll(async () => {
  world = await startRoomWorld('room-restart');
});

afterAll(async () => {
  bobClient?.close();
  await world?.close();
});

describe('the meeting room while the server restarts', () => {
  it('says the server is restarting, keeps the room, and carries on in the same group', async () => {
    const guest = await hostAndHeadlessGuest(world.url, world.adminToken, 'Restart drill');
    const { alice, meetingId, bobMeeting } = guest;
    bobClient = guest.bobClient;
    let fromAlice = 0;
    bobMeeting.on('frame', (frame) => {
      if (frame.sender.userId === alice.userId) fromAlice++;
    });

    const page = await world.newPage();
    world.screenshotsOnFailure({ alice: page });
    await page.goto(`${world.url}/meetings/${meetingId}/room`);
    await world.signIn(page, alice);
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    const code = await settledCode(page);
    await expect.poll(() => fromAlice, { timeout: 20_000 }).toBeGreaterThan(0);

    const restarting = world.restartServer(6_000);
    const banner = page.getByTestId('reconnecting');
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await banner.getAttribute('data-reason')).toBe('server_restarting');
    await expect
      .poll(() => banner.textContent(), { timeout: 20_000 })
      .toMatch(/^The server is restarting\. Reconnecting \(attempt \d+/);
    await world.screenshot(page, 'room-restarting.png');
    await restarting;

    // Back: the banner goes, the code is the one from before, and alice's media reaches bob again.
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await settledCode(page)).toBe(code);
    const before = fromAlice;
    await expect.poll(() => fromAlice, { timeout: 20_000 }).toBeGreaterThan(before);
    // Still the room, not the "ended" page.
    expect(await page.getByRole('button', { name: 'Leave' }).isVisible()).toBe(true);
  });
});
