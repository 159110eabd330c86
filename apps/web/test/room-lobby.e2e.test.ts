// The lobby before a meeting starts (issue 14, governance.md §5), in two browsers: Bob opens an
// E2EE meeting that has not started and is told he waits for the organizer — no error, no retry
// button — while Alice's meeting page lists him as waiting. Alice opens the room, which offers
// her the start; she starts, and both rooms let their people in by themselves, into one group.
// Carol and Erin, not invited, open the link and wait to be let in: Alice admits Carol from the
// room's lobby list and turns Erin away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, licensedPerson, signInvitations, type Person } from './support/roomPeople.ts';
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
    const [alice, bob, carol, erin] = (await Promise.all(
      ['Alice', 'Bob', 'Carol', 'Erin'].map((name) =>
        licensedPerson(world.url, world.adminToken, name),
      ),
    )) as [Person, Person, Person, Person];
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
    await signInvitations(world.url, alice, meeting.id, [bob]);

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

    // Carol is not invited: opening the link, she waits to be let in; Alice sees her in the room.
    const carolPage = await world.joinRoom(carol, meeting.id);
    const erinPage = await world.joinRoom(erin, meeting.id);
    world.screenshotsOnFailure({
      alice: alicePage,
      bob: bobPage,
      carol: carolPage,
      erin: erinPage,
    });
    for (const page of [carolPage, erinPage])
      await page
        .getByRole('heading', { name: 'Waiting for the organizer to let you in' })
        .waitFor({ timeout: 20_000 });
    const lobby = alicePage.getByRole('region', { name: 'Lobby' });
    await lobby.getByRole('heading', { name: 'Waiting to join (2)' }).waitFor();
    await world.screenshot(alicePage, 'lobby-admit.png');
    await lobby.getByRole('button', { name: 'Admit Carol' }).click();
    for (const people of [alicePeople, bobPeople])
      await people.getByRole('heading', { name: 'Participants (3)' }).waitFor({ timeout: 30_000 });
    await carolPage
      .getByRole('region', { name: /Participants/ })
      .getByRole('heading', { name: 'Participants (3)' })
      .waitFor({ timeout: 30_000 });

    // Erin is turned away: told so, as a refusal with the reason.
    await lobby.getByRole('button', { name: 'Deny Erin' }).click();
    await erinPage.getByRole('heading', { name: 'You cannot join this meeting' }).waitFor();
    expect(await erinPage.getByRole('alert').textContent()).toContain(
      'The organizer did not let you into this meeting.',
    );
    await lobby.getByRole('heading', { name: 'Waiting to join (0)' }).waitFor();
  });
});
