// The lobby before a meeting starts (issue 14, governance.md §5), in two browsers: Bob opens an
// E2EE meeting that has not started and is told he waits for the organizer — no error, no retry
// button — while Alice's meeting page lists him as waiting. Alice opens the room, which offers
// her the start; she starts, and both rooms let their people in by themselves, into one group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, licensedPerson, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;

beforeAll(async () => {
  world = await startRoomWorld('room-lobby');
});

afterAll(async () => {
  await world?.close();
});

describe('the lobby', () => {
  it('keeps an invitee waiting until the organizer starts the meeting, then lets them in', async () => {
    const [alice, bob] = (await Promise.all(
      ['Alice', 'Bob'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person];
    const { meeting } = await api<{ meeting: { id: string } }>(
      world.url,
      alice.token,
      'POST',
      '/api/meetings',
      {
        subject: 'Board review',
        options: { endToEndEncryption: true },
        invitees: [bob.userId],
      },
    );

    const bobPage = await world.joinRoom(bob, meeting.id);
    const alicePage = await world.newPage();
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    await bobPage
      .getByRole('heading', { name: 'Waiting for the organizer to start the meeting' })
      .waitFor({ timeout: 20_000 });
    await bobPage.getByText('You will be let in as soon as it starts.').waitFor();
    // Waiting is not a failure: no alert, nothing to retry.
    expect(await bobPage.getByRole('alert').count()).toBe(0);
    expect(await bobPage.getByRole('button', { name: /Join|Try again|Retry/ }).count()).toBe(0);
    await world.screenshot(bobPage, 'lobby.png');

    // The organizer's meeting page shows who waits.
    await alicePage.goto(`${world.url}/meetings/${meeting.id}`);
    await world.signIn(alicePage, alice);
    const waiting = alicePage.locator('.waiting-list');
    await waiting.getByRole('heading', { name: 'Waiting to join (1)' }).waitFor();
    expect(await waiting.getByRole('listitem').textContent()).toContain('Bob');
    await world.screenshot(alicePage, 'lobby-organizer.png');

    // She opens the room before starting: it offers her the start, not a wait for herself.
    await alicePage.getByRole('link', { name: 'Join', exact: true }).click();
    await alicePage.getByRole('button', { name: 'Join with camera and microphone' }).click();
    await alicePage
      .getByRole('heading', { name: 'You are the organizer: start the meeting to let everyone in' })
      .waitFor({ timeout: 20_000 });
    await alicePage.getByRole('button', { name: 'Start meeting' }).click();

    // Both are let in by the start, Bob without touching anything, into one MLS group.
    const bobPeople = bobPage.getByRole('region', { name: /Participants/ });
    const alicePeople = alicePage.getByRole('region', { name: /Participants/ });
    for (const people of [alicePeople, bobPeople])
      await people.getByRole('heading', { name: 'Participants (2)' }).waitFor({ timeout: 30_000 });
  });
});
