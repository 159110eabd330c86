// The meeting room beyond the E2EE happy path, in real Chromium against the real server: a
// standard meeting (no shield, no code, says it is not end-to-end encrypted, video both ways,
// Record does not blame E2EE); joins governance §5 refuses (compliance recording, a browser
// without E2EE media, the tenant's participant cap), each showing its reason and starting no
// media; screen sharing that arrives and goes away; mute and camera off as the other side sees them,
// from what the sender announced (within a second, not after seconds of silence), also by someone
// who joins after the mute.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReason } from '@conclave/policy';
import {
  audioDecoded,
  audioLine,
  CODE,
  expectMovingVideo,
  sampleTile,
  workerFrames,
  type TileKind,
} from './support/media.ts';
import { api, licensedPerson, startedMeeting, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';
import { initialsOf } from '../src/room/stage.ts';

let world: RoomWorld;
type Features = Partial<Record<string, { enabled: boolean }>>;
const people = {} as Record<'alice' | 'bob' | 'carol' | 'dave' | 'erin', Person>;

beforeAll(async () => {
  world = await startRoomWorld('room-variants');
  const names = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'] as const;
  const created = await Promise.all(
    names.map((name) => licensedPerson(world.url, world.adminToken, name)),
  );
  for (const person of created) people[person.name.toLowerCase() as keyof typeof people] = person;
});

afterAll(async () => {
  await world?.close();
});

/** Keeps every track getUserMedia hands out, so a test can see whether the camera was let go. */
const recordCapturedTracks = () => {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  const kept: MediaStreamTrack[] = [];
  Object.assign(globalThis, { __capturedTracks: kept });
  devices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    kept.push(...stream.getTracks());
    return stream;
  };
};

/** A browser that lacks everything capabilities.ts looks for before it grants E2EE media. */
const withoutE2eeMedia = () => {
  for (const name of [
    'VideoEncoder',
    'VideoDecoder',
    'AudioEncoder',
    'AudioDecoder',
    'MediaStreamTrackProcessor',
  ]) {
    delete (globalThis as Record<string, unknown>)[name];
  }
};

/**
 * How long the other side may take to show an announced change. What is checked is that it shows
 * the announced state at all — silence alone never reads "muted" and never takes a shared screen's
 * tile away — so this bound only has to outlast a loaded CI machine (1 s did not, once; 5 s
 * failed about one run in three on 2026-12-05, at the commit before that session's work too: the
 * announcement is an MLS application message and sometimes waits behind the group's processing).
 */
const PROMPTLY = 15_000;

/** One browser profile per person, signed in once: its page moves from room to room. */
const pageOf = new Map<Person, Page>();

/** A signed-in page of `person` in the room of `meetingId`, still in the lobby. */
async function roomLobby(
  person: Person,
  meetingId: string,
  initScripts: readonly (() => void)[] = [],
): Promise<Page> {
  const known = pageOf.get(person);
  const page = known ?? (await world.newPage({ initScripts }));
  pageOf.set(person, page);
  await page.goto(`${world.url}/meetings/${meetingId}/room`);
  if (known === undefined) await world.signIn(page, person);
  await page.getByRole('button', { name: 'Join with camera and microphone' }).waitFor();
  return page;
}

async function joinRoom(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
  await page.getByRole('toolbar', { name: 'Meeting controls' }).waitFor();
}

const tileOf = (page: Page, from: Person, kind: TileKind) =>
  page.locator(`.room-tile[data-user-id="${from.userId}"][data-kind="${kind}"]`);

const litPixels = async (page: Page, from: Person, kind: TileKind) =>
  (await sampleTile(page, from.userId, kind)).lit;

const textOf = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent())?.trim() ?? '';

describe('a standard meeting in two browsers', () => {
  it('shows no shield or security code, says it is not end-to-end encrypted, carries video both ways, and Record does not claim E2EE', async () => {
    const { alice, bob } = people;
    // Recording allowed, so Record has to answer for what a standard meeting can do.
    const { meeting } = await api<{
      meeting: { id: string; endToEndEncryption: { enabled: boolean }; features: Features };
    }>(world.url, alice.token, 'POST', '/api/meetings', {
      subject: 'Weekly sync',
      options: { endToEndEncryption: false, recording: true },
      invitees: [bob.userId],
    });
    expect(meeting.endToEndEncryption.enabled).toBe(false);
    expect(meeting.features.recording?.enabled).toBe(true);
    const meetingId = meeting.id;
    await api(world.url, alice.token, 'POST', `/api/meetings/${meetingId}/start`);
    const [alicePage, bobPage] = await Promise.all([
      roomLobby(alice, meetingId),
      roomLobby(bob, meetingId),
    ]);
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    await expect
      .poll(() => alicePage.locator('.room-lobby').textContent())
      .toContain('This is a standard meeting');
    await joinRoom(alicePage);
    // Alice mutes before Bob arrives: the server hands Bob her announced state when he joins, so
    // he reads "muted" at once although no audio of hers ever reached him.
    await alicePage.getByRole('button', { name: 'Mute' }).click();
    await alicePage.getByRole('button', { name: 'Unmute' }).waitFor();
    await joinRoom(bobPage);
    const aliceHeard = audioLine(bobPage, alice);
    await expect.poll(() => aliceHeard.textContent(), { timeout: 10_000 }).toContain('muted');
    expect(await aliceHeard.getAttribute('data-source')).toBe('announced');
    expect(await audioDecoded(bobPage, alice)).toBe(0);
    await alicePage.getByRole('button', { name: 'Unmute' }).click();
    await expect.poll(() => audioDecoded(bobPage, alice), { timeout: 10_000 }).toBeGreaterThan(0);

    await expectMovingVideo(alicePage, bob);
    await expectMovingVideo(bobPage, alice);
    await expect.poll(() => audioDecoded(alicePage, bob), { timeout: 10_000 }).toBeGreaterThan(0);

    for (const page of [alicePage, bobPage]) {
      const notice = page.locator('.room-standard');
      await expect.poll(() => notice.textContent()).toContain('Standard encryption');
      expect(await notice.textContent()).toContain('This meeting is not end-to-end encrypted');
      expect(await page.locator('.room-shield, .security-code').count()).toBe(0);
      const body = (await page.locator('main').textContent()) ?? '';
      expect(body).not.toMatch(/security code/i);
      expect(body).not.toMatch(/(?<!not )end-to-end encrypted/i);
      expect(await textOf(page, '#room-chat')).toBe('Chat');
    }

    // Record is not refused for E2EE: it is not marked unavailable, and says what is true here.
    const record = alicePage.getByRole('button', { name: 'Record' });
    expect(await record.getAttribute('aria-disabled')).toBe('false');
    await record.click();
    const answer = alicePage.locator('.room-feature-answer');
    await expect
      .poll(() => answer.textContent())
      .toBe(
        'Recording is allowed in this meeting but cannot be started from the browser room yet.',
      );
    expect(await answer.textContent()).not.toMatch(/end-to-end/i);
    await world.screenshot(alicePage, 'room-standard.png');

    for (const page of [alicePage, bobPage]) {
      await page.getByRole('button', { name: 'Leave' }).click();
      await page.getByText('You left the meeting.').waitFor();
    }
  });
});

describe('an end-to-end encrypted meeting', () => {
  let meetingId: string;
  let alicePage: Page;
  let bobPage: Page;
  /** Lobbies of the three who will be refused, opened with the others to save time. */
  let refused: Record<'dave' | 'erin' | 'carol', Page>;

  beforeAll(async () => {
    const { alice, bob, carol, dave, erin } = people;
    meetingId = await startedMeeting(world.url, alice, [bob, carol, dave, erin], true, 'Audit');
    let davePage: Page, erinPage: Page, carolPage: Page;
    [alicePage, bobPage, davePage, erinPage, carolPage] = await Promise.all([
      roomLobby(alice, meetingId),
      roomLobby(bob, meetingId),
      roomLobby(dave, meetingId, [recordCapturedTracks]),
      roomLobby(erin, meetingId, [withoutE2eeMedia, recordCapturedTracks]),
      roomLobby(carol, meetingId, [recordCapturedTracks]),
    ]);
    refused = { dave: davePage, erin: erinPage, carol: carolPage };
    try {
      await joinRoom(alicePage);
      await joinRoom(bobPage);
      // Both in the group (expect.poll is for tests; hooks wait on the page itself).
      for (const page of [alicePage, bobPage]) {
        await page.waitForFunction(
          (pattern) =>
            new RegExp(pattern).test(document.querySelector('.security-code')?.textContent ?? ''),
          CODE.source,
          { timeout: 20_000 },
        );
      }
    } catch (error) {
      await world.failureScreenshots({ alice: alicePage, bob: bobPage });
      throw error;
    }
  });

  it('shows a shared screen on the other side, and takes it away when sharing stops', async () => {
    const { alice } = people;
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    expect(await textOf(bobPage, '.security-code')).toBe(await textOf(alicePage, '.security-code'));
    await expectMovingVideo(bobPage, alice);
    await alicePage.getByRole('button', { name: 'Share screen' }).click();
    await alicePage.getByRole('button', { name: 'Stop sharing' }).waitFor();

    const screenTile = tileOf(bobPage, alice, 'screen');
    await bobPage.getByLabel("Video of Alice's screen").waitFor();
    await expect
      .poll(() => litPixels(bobPage, alice, 'screen'), { timeout: 20_000 })
      .toBeGreaterThan(1000);
    expect(await screenTile.locator('figcaption').textContent()).toBe("Alice's screen");
    // The screen takes the stage; her camera and Bob's own tile go to the strip beside it.
    const stage = bobPage.getByRole('region', { name: 'Shared screen' });
    expect(await stage.locator('.room-tile[data-kind="screen"]').count()).toBe(1);
    const strip = bobPage.getByRole('region', { name: 'People' });
    expect(await strip.locator(`.room-tile[data-user-id="${alice.userId}"]`).count()).toBe(1);
    expect(await strip.getByLabel('Your camera').count()).toBe(1);
    const [stageBox, stripTileBox] = await Promise.all([
      screenTile.boundingBox(),
      tileOf(bobPage, alice, 'camera').boundingBox(),
    ]);
    expect(stageBox!.width).toBeGreaterThan(stripTileBox!.width * 3);
    await world.screenshot(bobPage, 'room-screen-share.png');

    // Announced, the end of the share takes the tile away at once (silence alone would not: a
    // share announced on that goes quiet keeps its tile, marked as not arriving).
    expect(await screenTile.getAttribute('data-announced')).toBe('on');
    await alicePage.getByRole('button', { name: 'Stop sharing' }).click();
    await expect.poll(() => screenTile.count(), { timeout: PROMPTLY }).toBe(0);
    await alicePage.getByRole('button', { name: 'Share screen' }).waitFor();
    expect(await tileOf(bobPage, alice, 'camera').count()).toBe(1);
    expect(await bobPage.locator('.room-stage').getAttribute('data-layout')).toBe('grid');
  });

  it('shows a muted microphone and a stopped camera on the other side, and both coming back', async () => {
    const { alice } = people;
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    const heard = audioLine(bobPage, alice);
    await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('audio arriving');
    // The fake microphone beeps: Bob's page shows Alice as the one speaking, ringed and said.
    const aliceCamera = tileOf(bobPage, alice, 'camera');
    await expect
      .poll(() => aliceCamera.getAttribute('data-speaking'), { timeout: 10_000 })
      .toBe('true');
    expect(await aliceCamera.locator('figcaption').textContent()).toContain('(speaking)');
    await world.screenshot(bobPage, 'room-active-speaker.png');

    await alicePage.getByRole('button', { name: 'Mute' }).click();
    // "muted" is only ever said because the sender said so (silence reads "no audio arriving").
    await expect.poll(() => heard.textContent(), { timeout: PROMPTLY }).toContain('muted');
    expect(await heard.getAttribute('data-source')).toBe('announced');
    await alicePage.getByRole('button', { name: 'Unmute' }).waitFor();
    // Muted means no audio frames reach Bob, not just a label: two quiet seconds mark the stream
    // as not live (the words stay "muted": what she said outranks what arrives), then none come.
    await expect.poll(() => heard.getAttribute('data-live'), { timeout: 10_000 }).toBe('false');
    expect(await heard.textContent()).toContain('muted');
    // Nobody speaks any more: the ring goes.
    await expect
      .poll(() => aliceCamera.getAttribute('data-speaking'), { timeout: 5_000 })
      .toBe('false');
    const whileMuted = await audioDecoded(bobPage, alice);
    await bobPage.waitForTimeout(1_000);
    expect(await audioDecoded(bobPage, alice)).toBe(whileMuted);

    await alicePage.getByRole('button', { name: 'Unmute' }).click();
    // The unmute is an announced change like the others: the same bound (PROMPTLY, above).
    await expect.poll(() => heard.textContent(), { timeout: PROMPTLY }).toContain('audio arriving');
    await expect
      .poll(() => audioDecoded(bobPage, alice), { timeout: 10_000 })
      .toBeGreaterThan(whileMuted);

    const camera = tileOf(bobPage, alice, 'camera');
    await alicePage.getByRole('button', { name: 'Stop camera' }).click();
    await expect.poll(() => camera.textContent(), { timeout: PROMPTLY }).toContain('Camera off');
    expect(await camera.getAttribute('data-announced')).toBe('off');
    // Who is there without a picture: her initials over the dark tile.
    expect(await camera.locator('.room-tile-initials').textContent()).toBe(initialsOf(alice.name));
    expect(await litPixels(bobPage, alice, 'camera')).toBe(0);
    await world.screenshot(bobPage, 'room-camera-off.png');

    await alicePage.getByRole('button', { name: 'Start camera' }).click();
    await expectMovingVideo(bobPage, alice);
    expect(await camera.textContent()).not.toContain('Camera off');
  });

  it('previews the camera in the lobby, and switches microphone and speaker during the meeting', async () => {
    const { alice, bob } = people;
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage, dave: refused.dave });
    // Dave has not pressed Join yet: he sees himself and the devices he can choose.
    const preview = refused.dave.getByLabel('Camera preview');
    await preview.waitFor();
    await expect
      .poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth))
      .toBeGreaterThan(0);
    const microphones = refused.dave.getByLabel('Microphone');
    expect(await microphones.locator('option').allTextContents()).toEqual([
      'Fake Default Audio Input',
      'Fake Audio Input 1',
      'Fake Audio Input 2',
    ]);
    expect(await refused.dave.getByLabel('Camera', { exact: true }).locator('option').count()).toBe(
      1,
    );
    await world.screenshot(refused.dave, 'room-lobby-devices.png');

    // Bob, in the meeting, picks another microphone and speaker; Alice keeps hearing him.
    const devices = bobPage.locator('details.room-devices');
    await devices.locator('summary').click();
    await devices.getByLabel('Microphone').selectOption({ label: 'Fake Audio Input 1' });
    await devices.getByLabel('Speaker').selectOption({ label: 'Fake Audio Output 2' });
    expect(await bobPage.getByRole('alert').filter({ hasText: 'could not be used' }).count()).toBe(
      0,
    );
    const before = await audioDecoded(alicePage, bob);
    await expect
      .poll(() => audioDecoded(alicePage, bob), { timeout: 10_000 })
      .toBeGreaterThan(before + 10);
    expect(await audioLine(alicePage, bob).textContent()).toContain('audio arriving');
    // The choice is kept in this browser for the next meeting.
    const kept = await bobPage.evaluate(() => localStorage.getItem('conclave.devices') ?? '');
    const chosen = await devices.getByLabel('Microphone').inputValue();
    expect(JSON.parse(kept)).toMatchObject({ microphone: chosen });
    // Her camera still reaches him after his switch (nothing else was disturbed).
    await expectMovingVideo(bobPage, alice);
  });

  /** Clicks Join and expects the one reason `code` with `message`, and no media. */
  async function expectBlocked(
    page: Page,
    code: string,
    message: string | RegExp,
    screenshotName: string,
  ): Promise<void> {
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    await page.getByRole('heading', { name: 'You cannot join this meeting' }).waitFor();
    const reasons = page.locator('.room-blocked-reasons li');
    expect(await reasons.count()).toBe(1);
    expect(await reasons.first().getAttribute('data-code')).toBe(code);
    const text = (await reasons.first().textContent())?.trim();
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
    // Nothing started: no tiles, no controls, no frames through SFrame, and the camera let go.
    expect(await page.locator('.room-tile, .room-controls').count()).toBe(0);
    expect(await workerFrames(page)).toBe(0);
    const tracks = await page.evaluate(() =>
      ((globalThis as { __capturedTracks?: MediaStreamTrack[] }).__capturedTracks ?? []).map(
        (track) => track.readyState,
      ),
    );
    expect(tracks.length).toBeGreaterThan(0);
    expect(tracks.every((state) => state === 'ended')).toBe(true);
    await world.screenshot(page, `room-blocked-${screenshotName}.png`);
  }

  it('refuses a user under compliance recording, saying why', async () => {
    const { dave } = people;
    await api(world.url, world.adminToken, 'POST', '/api/admin/compliance-recording-policies', {
      name: 'LegalRecording',
      enabled: true,
    });
    await api(world.url, world.adminToken, 'POST', '/api/admin/compliance-recording-assignments', {
      policy: 'LegalRecording',
      user: dave.userId,
    });
    const page = refused.dave;
    world.screenshotsOnFailure({ dave: page });
    const message = makeReason(
      { code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE', subject: 'participant' },
      'error',
    ).message;
    expect(message).toContain('under compliance recording');
    await expectBlocked(page, 'COMPLIANCE_RECORDING_BLOCKS_E2EE', message, 'compliance');
  });

  it('refuses a browser without end-to-end encrypted media, saying why', async () => {
    const { erin } = people;
    const page = refused.erin;
    world.screenshotsOnFailure({ erin: page });
    await expect
      .poll(() => page.locator('.room-lobby').textContent())
      .toContain('This browser cannot take part in end-to-end encrypted media');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await expectBlocked(
      page,
      'CLIENT_NOT_SUPPORTED',
      /^This version of .* cannot handle end-to-end encrypted media, so it cannot join end-to-end encrypted meetings\. Join with a browser that supports end-to-end encrypted media instead\.$/,
      'client',
    );
    expect(errors).toEqual([]);
    // The server heard it from the browser itself: the audit says what the client reported.
    const { entries } = await api<{
      entries: { subject: string; actor: { id: string }; details: Record<string, unknown> }[];
    }>(world.url, world.adminToken, 'GET', '/api/admin/audit?kind=join.blocked&limit=50');
    const erins = entries.find((e) => e.actor.id === erin.userId);
    expect(erins?.details).toMatchObject({
      codes: ['CLIENT_NOT_SUPPORTED'],
      client: { platform: 'web', e2eeMedia: false },
    });
  });

  it('refuses the participant over the tenant cap, saying why', async () => {
    const before = await api<{ tenant: { e2ee: { maxParticipants: number } } }>(
      world.url,
      world.adminToken,
      'GET',
      '/api/admin/tenant',
    );
    await api(world.url, world.adminToken, 'PATCH', '/api/admin/tenant', {
      e2ee: { maxParticipants: 2 },
    });
    try {
      const page = refused.carol;
      world.screenshotsOnFailure({ carol: page });
      const message = makeReason({ code: 'MEETING_FULL', maxParticipants: 2 }, 'error').message;
      expect(message).toContain('already has 2 participants');
      await expectBlocked(page, 'MEETING_FULL', message, 'full');
    } finally {
      await api(world.url, world.adminToken, 'PATCH', '/api/admin/tenant', {
        e2ee: { maxParticipants: before.tenant.e2ee.maxParticipants },
      });
    }
    // The two inside were not disturbed.
    expect(await alicePage.locator('.room-person').count()).toBe(2);
  });
});
