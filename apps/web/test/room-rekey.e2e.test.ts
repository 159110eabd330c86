// Rekeying nobody sees or hears (docs/media.md "Rekeying without a gap"), in two real Chromium
// rooms: while a third participant joins — a new MLS epoch, new SFrame keys — the first two keep
// decoding each other's video and audio without a pause, and neither loses a frame to rekeying.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { audioDecoded, expectMovingVideo, settledCode, sharedCode } from './support/media.ts';
import { licensedPerson, startedMeeting, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let carolClient: ConclaveClient | undefined;

beforeAll(async () => {
  world = await startRoomWorld('room-rekey');
});

afterAll(async () => {
  carolClient?.close();
  await world?.close();
});

const joinRoom = (person: Person, meetingId: string): Promise<Page> =>
  world.joinRoom(person, meetingId);

/** What a page shows of `from`'s media, and of its frames lost to rekeying, right now. */
async function counters(page: Page, from: Person) {
  const video = await page
    .locator(`[data-user-id="${from.userId}"][data-kind="camera"] canvas`)
    .first()
    .getAttribute('data-decoded');
  const lost = await page
    .locator('.room-stats')
    .first()
    .getAttribute('data-frames-lost-to-rekeying');
  return { video: Number(video), audio: await audioDecoded(page, from), lost: Number(lost) };
}

type Sample = Awaited<ReturnType<typeof counters>>;

/**
 * Samples every 250 ms (the page refreshes its counters every second) until `done` resolves and
 * four more seconds have passed.
 */
async function sampleDuring(page: Page, from: Person, done: Promise<unknown>): Promise<Sample[]> {
  const samples: Sample[] = [];
  let finished = false;
  void done.then(() => setTimeout(() => (finished = true), 4_000));
  while (!finished) {
    samples.push(await counters(page, from));
    await new Promise((r) => setTimeout(r, 250));
  }
  return samples;
}

/** The longest run of samples in which a counter did not move, in samples (250 ms each). */
function longestStall(values: readonly number[]): number {
  let longest = 0;
  let run = 0;
  for (let i = 1; i < values.length; i++) {
    run = values[i]! > values[i - 1]! ? 0 : run + 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

describe('rekeying in the browser', () => {
  it('a third participant joins: the first two decode each other without a pause and lose no frame', async () => {
    const [alice, bob, carol] = (await Promise.all(
      ['Alice', 'Bob', 'Carol'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person, Person];
    const meetingId = await startedMeeting(world.url, alice, [bob, carol], true, 'Rekey review');
    const alicePage = await joinRoom(alice, meetingId);
    const bobPage = await joinRoom(bob, meetingId);
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    const codeOfTwo = await sharedCode(alicePage, bobPage);
    await expectMovingVideo(alicePage, bob);
    await expectMovingVideo(bobPage, alice);
    await expect.poll(() => audioDecoded(alicePage, bob), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => audioDecoded(bobPage, alice), { timeout: 10_000 }).toBeGreaterThan(0);
    const lostBefore = [
      (await counters(alicePage, bob)).lost,
      (await counters(bobPage, alice)).lost,
    ];

    // Carol joins (a new epoch) while both pages are watched.
    const carolJoined = (async () => {
      carolClient = await ConclaveClient.connect({
        server: world.url,
        auth: { token: carol.token },
        store: new MemoryStore(),
        webSocket: nodeWebSocketFactory(),
        deviceName: 'Carol test device',
      });
      await carolClient.join(meetingId);
      await settledCode(alicePage, codeOfTwo);
      await settledCode(bobPage, codeOfTwo);
    })();
    const [atAlice, atBob] = await Promise.all([
      sampleDuring(alicePage, bob, carolJoined),
      sampleDuring(bobPage, alice, carolJoined),
    ]);
    await carolJoined;

    for (const samples of [atAlice, atBob]) {
      // The page shows new counts once a second: a second tick without progress is a pause.
      expect(longestStall(samples.map((s) => s.video))).toBeLessThanOrEqual(7);
      expect(longestStall(samples.map((s) => s.audio))).toBeLessThanOrEqual(7);
      expect(samples.at(-1)!.video).toBeGreaterThan(samples[0]!.video);
      expect(samples.at(-1)!.audio).toBeGreaterThan(samples[0]!.audio);
    }
    expect(atAlice.at(-1)!.lost - lostBefore[0]!).toBe(0);
    expect(atBob.at(-1)!.lost - lostBefore[1]!).toBe(0);
  });
});
