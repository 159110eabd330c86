// The meeting room end to end: two real Chromium participants join an E2EE meeting through the
// web app served by the real server, each decodes the other's camera (pixels arrive and move) and
// microphone with SFrame in each page's worker, both show the same security code, a third
// (headless SDK) participant changes it, chat crosses both ways, and reaching for recording says
// why it is unavailable.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore, type Meeting } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import {
  audioDecoded,
  codeOf,
  expectMovingVideo,
  settledCode,
  sharedCode,
  workerFrames,
} from './support/media.ts';
import { licensedPerson, startedMeeting, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let carolClient: ConclaveClient | undefined;

beforeAll(async () => {
  world = await startRoomWorld('room');
});

afterAll(async () => {
  carolClient?.close();
  await world?.close();
});

const joinRoom = (person: Person, meetingId: string): Promise<Page> =>
  world.joinRoom(person, meetingId);

describe('the meeting room in two browsers', () => {
  it('carries E2EE video, audio, security codes and chat between two browsers and a headless member', async () => {
    const [alice, bob, carol] = (await Promise.all(
      ['Alice', 'Bob', 'Carol'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person, Person];
    const meetingId = await startedMeeting(world.url, alice, [bob, carol], true, 'Board review');

    const alicePage = await joinRoom(alice, meetingId);
    const bobPage = await joinRoom(bob, meetingId);
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });

    // Both show the same code once both are in the group.
    const codeOfTwo = await sharedCode(alicePage, bobPage);

    // Each decodes the other's camera — real pixels, and they move — and microphone.
    await expectMovingVideo(alicePage, bob);
    await expectMovingVideo(bobPage, alice);
    await expect.poll(() => audioDecoded(alicePage, bob), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => audioDecoded(bobPage, alice), { timeout: 10_000 }).toBeGreaterThan(0);
    await world.screenshot(alicePage, 'room-two-alice.png');

    // Those frames were protected and decrypted in each page's SFrame worker, not on the page.
    expect(await workerFrames(alicePage)).toBeGreaterThan(0);
    expect(await workerFrames(bobPage)).toBeGreaterThan(0);

    // The participant list comes from the MLS group, with each device's fingerprint.
    await expect.poll(() => alicePage.locator('.room-person').count()).toBe(2);
    await expect.poll(() => alicePage.locator('.room-person .fingerprint').count()).toBe(2);

    // A third, headless participant joins: the code changes, the same on both browsers.
    carolClient = await ConclaveClient.connect({
      server: world.url,
      auth: { token: carol.token },
      store: new MemoryStore(),
      webSocket: nodeWebSocketFactory(),
      deviceName: 'Carol test device',
    });
    const carolMeeting: Meeting = await carolClient.join(meetingId);
    const codeOfThree = await settledCode(alicePage, codeOfTwo);
    await expect.poll(() => codeOf(bobPage), { timeout: 20_000 }).toBe(codeOfThree);
    await expect.poll(() => carolMeeting.securityCode, { timeout: 20_000 }).toBe(codeOfThree);
    await expect.poll(() => alicePage.locator('.room-person').count()).toBe(3);
    await alicePage.locator('.room-person-name', { hasText: 'Carol' }).waitFor();

    // Chat both ways between the browsers; the headless member reads it too.
    const carolHeard: string[] = [];
    carolMeeting.on('chat', (m) => carolHeard.push(`${m.from.displayName}: ${m.text}`));
    await alicePage.getByLabel('Message').fill('Hello from Alice');
    await alicePage.getByRole('button', { name: 'Send' }).click();
    await bobPage.locator('.chat-line', { hasText: 'Hello from Alice' }).waitFor();
    await bobPage.getByLabel('Message').fill('Hi Alice, Bob here');
    await bobPage.getByRole('button', { name: 'Send' }).click();
    await alicePage.locator('.chat-line', { hasText: 'Hi Alice, Bob here' }).waitFor();
    await expect
      .poll(() => carolHeard.sort(), { timeout: 10_000 })
      .toEqual(['Alice: Hello from Alice', 'Bob: Hi Alice, Bob here'].sort());

    // Reaching for recording says why it is unavailable.
    await alicePage.getByRole('button', { name: 'Record' }).press('Enter');
    await expect
      .poll(() => alicePage.locator('.room-feature-answer').textContent())
      .toContain('Recording is unavailable: this meeting is end-to-end encrypted');

    // Carol leaves: the code changes again.
    await carolMeeting.leave();
    await settledCode(bobPage, codeOfThree);
    await expect.poll(() => bobPage.locator('.room-person').count(), { timeout: 20_000 }).toBe(2);
    await world.screenshot(alicePage, 'room-alice.png');
    await world.screenshot(bobPage, 'room-bob.png');
  });
});
