// Raise hand and reactions in the browser room (issue 14), in an E2EE meeting: bob — a headless
// member — raises his hand and applauds; alice's page shows the hand on his tile and in the
// participant list, the applause on his tile, and says it in a live region. Alice raises her hand
// and sends a heart from the control bar; bob's SDK receives both from inside the MLS group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConclaveClient, MeetingEvents } from '@conclave/client';
import { hostAndHeadlessGuest } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let bobClient: ConclaveClient | undefined;

beforeAll(async () => {
  world = await startRoomWorld('room-reactions');
});

afterAll(async () => {
  bobClient?.close();
  await world?.close();
});

describe('raise hand and reactions in the room', () => {
  it('shows the others’ hands and reactions, and sends this participant’s own through the group', async () => {
    const guest = await hostAndHeadlessGuest(world.url, world.adminToken, 'Hands up');
    const { alice, bob, meetingId, bobMeeting } = guest;
    bobClient = guest.bobClient;

    const page = await world.newPage();
    world.screenshotsOnFailure({ alice: page });
    await page.goto(`${world.url}/meetings/${meetingId}/room`);
    await world.signIn(page, alice);
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    const people = page.getByRole('region', { name: /Participants/ });
    await people.getByRole('heading', { name: 'Participants (2)' }).waitFor({ timeout: 20_000 });

    // Bob raises his hand and applauds.
    await bobMeeting.setMediaState({ hand: true });
    const bobTile = page.locator(`figure[data-user-id="${bob.userId}"]`);
    await bobTile.getByRole('img', { name: 'Hand raised' }).waitFor({ timeout: 10_000 });
    const bobRow = people.getByRole('listitem').filter({ hasText: 'Bob' });
    await expect.poll(() => bobRow.textContent(), { timeout: 10_000 }).toContain('hand raised');
    await bobMeeting.react('applause');
    await page.getByRole('status').filter({ hasText: 'Bob reacted with applause' }).waitFor();
    await bobTile.locator('[data-reaction="applause"]').waitFor();
    await world.screenshot(page, 'room-reactions.png');
    // A reaction is a moment: gone after a few seconds; the hand stays until lowered.
    await bobTile.locator('[data-reaction="applause"]').waitFor({ state: 'detached' });
    expect(await bobTile.getByRole('img', { name: 'Hand raised' }).count()).toBe(1);
    await bobMeeting.setMediaState({ hand: false });
    await bobTile.getByRole('img', { name: 'Hand raised' }).waitFor({ state: 'detached' });

    // Alice raises her hand and sends a heart from the control bar; bob hears both from the group.
    const heard = new Promise<MeetingEvents['reaction']>((resolve) =>
      bobMeeting.once('reaction', resolve),
    );
    const controls = page.getByRole('toolbar', { name: 'Meeting controls' });
    await controls.getByRole('button', { name: 'Raise hand' }).click();
    await controls.getByRole('button', { name: 'Lower hand', pressed: true }).waitFor();
    const aliceId = bobMeeting.participants.find((p) => p.userId === alice.userId)?.participantId;
    expect(aliceId).toBeDefined();
    await expect
      .poll(() => bobMeeting.mediaStateOf(aliceId!)?.state.hand, { timeout: 10_000 })
      .toBe(true);
    await controls.getByRole('button', { name: 'React' }).click();
    await page
      .getByRole('group', { name: 'Reactions' })
      .getByRole('button', { name: 'React with heart' })
      .click();
    expect(await heard).toMatchObject({
      from: { userId: alice.userId },
      reaction: 'heart',
      e2ee: true,
    });
    await page.getByRole('status').filter({ hasText: 'You reacted with heart' }).waitFor();
    const own = people.getByRole('listitem').filter({ hasText: '(you)' });
    expect(await own.textContent()).toContain('hand raised');
  });
});
