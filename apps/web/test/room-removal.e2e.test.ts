// The organizer removes someone from the room (issue 16: removals over the organizer's own
// connection): Remove, asked once more, takes bob — a headless member — out at once with
// `removed-by-organizer`; the organizer's page drops him from the participants, which come from
// the MLS group, and shows a new security code: the group rekeyed without him.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConclaveClient, MeetingEvents } from '@conclave/client';
import { settledCode } from './support/media.ts';
import {
  api,
  hostAndHeadlessGuest,
  licensedPerson,
  startedMeeting,
  type Person,
} from './support/roomPeople.ts';
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
    // Every control names what it acts on: one of several Remove buttons is "Remove Bob".
    await bobRow.getByRole('button', { name: 'Remove Bob', exact: true }).click();
    expect(await bobRow.getByLabel('Key fingerprint of Bob', { exact: true }).count()).toBe(1);
    await bobRow.getByRole('button', { name: 'Yes, remove' }).click();

    expect(await bobRemoved).toEqual({ reason: 'removed-by-organizer' });
    await people.getByRole('heading', { name: 'Participants (1)' }).waitFor({ timeout: 20_000 });
    expect(await settledCode(page, code)).not.toBe(code);
    expect(await people.getByRole('alert').count()).toBe(0);
    await world.screenshot(page, 'room-removed.png');
  });

  it('tells everyone in the room when the organizer ends the meeting', async () => {
    const [erin, frank] = (await Promise.all(
      ['Erin', 'Frank'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person];
    const meetingId = await startedMeeting(world.url, erin, [frank], true, 'Ends on time');
    const page = await world.newPage();
    world.screenshotsOnFailure({ frank: page });
    await page.goto(`${world.url}/meetings/${meetingId}/room`);
    await world.signIn(page, frank);
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    const controls = page.getByRole('toolbar', { name: 'Meeting controls' });
    await controls.waitFor({ timeout: 20_000 });

    // On a phone-sized screen the whole room stacks up, and the controls stay in reach wherever
    // the participant has scrolled to.
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 560 },
    ]) {
      await page.setViewportSize(viewport);
      for (const to of ['top', 'bottom'] as const) {
        await page.evaluate((where) => {
          window.scrollTo(0, where === 'top' ? 0 : document.body.scrollHeight);
        }, to);
        await expect.poll(() => controls.boundingBox()).not.toBeNull();
        const box = (await controls.boundingBox())!;
        expect(box.y, `${viewport.width}px, scrolled to the ${to}`).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height, `${viewport.width}px, ${to}`).toBeLessThanOrEqual(
          viewport.height + 1,
        );
      }
      if (viewport.width === 390) await world.screenshot(page, 'room-phone.png');
    }

    await api(world.url, erin.token, 'POST', `/api/meetings/${meetingId}/end`);
    await page
      .getByRole('status')
      .filter({ hasText: 'The meeting has ended.' })
      .waitFor({ timeout: 20_000 });
    expect(await page.getByRole('toolbar', { name: 'Meeting controls' }).count()).toBe(0);
  });
});
