// The organizer removes someone from the room (issue 16: removals over the organizer's own
// connection): Remove, asked once more, takes bob — a headless member — out at once with
// `removed-by-organizer`; the organizer's page drops him from the participants, which come from
// the MLS group, and shows a new security code: the group rekeyed without him.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConclaveClient, MeetingEvents } from '@conclave/client';
import { settledCode } from './support/media.ts';
import { hostAndHeadlessGuest } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let bobClient: ConclaveClient | undefined;

beforeAll(async () => {
  world = await startRoomWorld('room-removal');
});

afterAll(async () => {
  bobClient?.close();
  await world?.close();
});

describe('removing a participant from the room', () => {
  it('takes them out, lists them no more, and rekeys the group to a new code', async () => {
    const guest = await hostAndHeadlessGuest(world.url, world.adminToken, 'Removal drill');
    const { alice, meetingId, bobMeeting } = guest;
    bobClient = guest.bobClient;
    const bobRemoved = new Promise<MeetingEvents['removed']>((resolve) =>
      bobMeeting.once('removed', resolve),
    );

    const page = await world.newPage();
    world.screenshotsOnFailure({ alice: page });
    await page.goto(`${world.url}/meetings/${meetingId}/room`);
    await world.signIn(page, alice);
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    const people = page.getByRole('region', { name: /Participants/ });
    await people.getByRole('heading', { name: 'Participants (2)' }).waitFor({ timeout: 20_000 });
    const code = await settledCode(page);

    const bobRow = people.getByRole('listitem').filter({ hasText: 'Bob' });
    await bobRow.getByRole('button', { name: 'Remove' }).click();
    await bobRow.getByRole('button', { name: 'Yes, remove' }).click();

    expect(await bobRemoved).toEqual({ reason: 'removed-by-organizer' });
    await people.getByRole('heading', { name: 'Participants (1)' }).waitFor({ timeout: 20_000 });
    expect(await settledCode(page, code)).not.toBe(code);
    expect(await people.getByRole('alert').count()).toBe(0);
    await world.screenshot(page, 'room-removed.png');
  });
});
