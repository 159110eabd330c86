// A post-quantum meeting in the browser (issue 13): the tenant requires the X-Wing hybrid suite,
// Chromium's SDK can do it, the browser and a headless member share one group on it, hear each
// other's security code, and the shield says "post-quantum" — read from the meeting the server
// decided, which the SDK joins on no other suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConclaveClient } from '@conclave/client';
import { api, hostAndHeadlessGuest } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let bobClient: ConclaveClient | undefined;

beforeAll(async () => {
  world = await startRoomWorld('room-post-quantum');
  await api(world.url, world.adminToken, 'PATCH', '/api/admin/tenant', {
    e2ee: { postQuantum: true },
  });
});

afterAll(async () => {
  bobClient?.close();
  await world?.close();
});

describe('a post-quantum meeting in the browser', () => {
  it('joins on the X-Wing suite and the shield says post-quantum', async () => {
    const guest = await hostAndHeadlessGuest(world.url, world.adminToken, 'Quantum-safe');
    const { alice, meetingId, bobMeeting } = guest;
    bobClient = guest.bobClient;

    const page = await world.newPage();
    world.screenshotsOnFailure({ alice: page });
    await page.goto(`${world.url}/meetings/${meetingId}/room`);
    await world.signIn(page, alice);
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    const people = page.getByRole('region', { name: /Participants/ });
    await people.getByRole('heading', { name: 'Participants (2)' }).waitFor({ timeout: 30_000 });

    await page.getByText('End-to-end encrypted, post-quantum').waitFor();
    expect(await page.getByTestId('post-quantum').textContent()).toMatch(/X-Wing/);
    await expect
      .poll(async () => (await page.locator('.security-code').textContent())?.trim(), {
        timeout: 20_000,
      })
      .toBe(bobMeeting.securityCode);
    await world.screenshot(page, 'room-post-quantum.png');
  });
});
