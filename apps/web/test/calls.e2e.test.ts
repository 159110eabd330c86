// 1:1 calls that ring, end to end in browsers against the real server. Alice finds Bob with the
// Calls page's directory search and calls him; Bob, on the meetings list, gets the incoming-call
// dialog at once (the app-wide socket, no polling) and accepts: both are in the call's room, with
// video and audio both ways and the same 20-digit code. A call to Carol, who has E2EE calls off,
// rings with the reason it is standard; she declines and Alice reads "Declined"; she accepts the
// next one: media, no shield, no code, the reason on both sides. A call nobody answers is missed
// at the (shortened) deadline on both sides. The history lists each, with how it went.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioDecoded, CODE, expectMovingVideo, sharedCode } from './support/media.ts';
import { api, licensedPerson, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

/** Long enough to answer in a loaded test run, short enough to wait for a missed call. */
const RING_MS = 12_000;

let world: RoomWorld;
let alice: Person;
let bob: Person;
let carol: Person;

beforeAll(async () => {
  world = await startRoomWorld('call', { callRingMs: RING_MS });
  const { url, adminToken: admin } = world;
  // Everyone's policy allows E2EE calls; whether a call is E2EE is then up to the two people.
  await api(url, admin, 'POST', '/api/admin/encryption-policies', {
    name: 'CallsAllowed',
    meetingEndToEndEncryption: 'DisabledUserOverride',
    callingEndToEndEncryption: 'DisabledUserOverride',
  });
  await api(url, admin, 'POST', '/api/admin/encryption-policy-assignments', {
    policy: 'CallsAllowed',
    global: true,
  });
  [alice, bob, carol] = (await Promise.all(
    ['Alice', 'Bob', 'Carol'].map((name) => licensedPerson(url, admin, name)),
  )) as [Person, Person, Person];
  // Alice and Bob turn E2EE calls on in their settings; Carol leaves them off.
  for (const person of [alice, bob]) {
    await api(url, person.token, 'PATCH', '/api/me/settings', { e2eeCalls: true });
  }
});

afterAll(async () => {
  await world?.close();
});

/** A fresh browser for `person`, signed in on `path`, whose page heading is `heading`. */
async function openAt(person: Person, path: string, heading: string): Promise<Page> {
  const page = await world.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${world.url}${path}`);
  await world.signIn(page, person);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  // The app-wide socket is up: a call placed now rings here.
  await page.locator('body[data-call-line="connected"]').waitFor();
  return page;
}

/** From the Calls page: find `callee` in the directory and call them; returns the call id. */
async function callFromDirectory(page: Page, callee: Person): Promise<string> {
  await page.goto(`${world.url}/calls`);
  await page.getByLabel('Find a person').fill(callee.name);
  await page.getByRole('button', { name: `Call ${callee.name}` }).click();
  await page.getByRole('heading', { level: 1, name: `Call with ${callee.name}` }).waitFor();
  await page.getByText(`Ringing… waiting for ${callee.name} to answer.`).waitFor();
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
  expect(id).not.toBe('');
  return id;
}

const incoming = (page: Page, caller: Person) =>
  page.getByRole('dialog', { name: `${caller.name} is calling you` });

/** The callee accepts from the dialog, on whatever page they are, and lands in the call. */
async function accept(page: Page, caller: Person, callId: string): Promise<void> {
  await incoming(page, caller).getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`**/calls/${callId}`);
  await page.getByRole('heading', { level: 1, name: `Call with ${caller.name}` }).waitFor();
}

const joinMedia = (page: Page) =>
  page.getByRole('button', { name: 'Join with camera and microphone' }).click();

async function expectMediaBothWays(a: { page: Page; who: Person }, b: { page: Page; who: Person }) {
  await expectMovingVideo(a.page, b.who);
  await expectMovingVideo(b.page, a.who);
  await expect.poll(() => audioDecoded(a.page, b.who), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect.poll(() => audioDecoded(b.page, a.who), { timeout: 10_000 }).toBeGreaterThan(0);
}

/** Leaving the room hangs up: the other side reads that the call ended. */
async function hangUp(page: Page, other: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave' }).click();
  await other.getByText('The call has ended.').waitFor();
}

async function historyRow(page: Page, text: string) {
  await page.goto(`${world.url}/calls`);
  const row = page.locator('tr', { hasText: text }).first();
  await row.waitFor();
  return row;
}

describe('1:1 calls that ring', () => {
  let alicePage: Page;
  let bobPage: Page;
  let carolPage: Page;

  it('rings Bob on the meetings list; he accepts; media and one code on both sides', async () => {
    bobPage = await openAt(bob, '/meetings', 'Meetings');
    alicePage = await openAt(alice, '/calls', 'Calls');
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    // Nobody is picked until Alice searches.
    expect(await alicePage.getByRole('button', { name: /^Call / }).count()).toBe(0);

    const callId = await callFromDirectory(alicePage, bob);
    const dialog = incoming(bobPage, alice);
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('End-to-end encrypted call');
    await world.screenshot(bobPage, 'incoming-call.png');
    await accept(bobPage, alice, callId);

    for (const [page, other] of [
      [alicePage, 'Bob'],
      [bobPage, 'Alice'],
    ] as const) {
      await page
        .getByRole('status')
        .filter({ hasText: `Call with ${other}: end-to-end encrypted.` })
        .waitFor();
      await joinMedia(page);
    }
    // The same 20-digit code on both sides once both are in the two-member group.
    expect(await sharedCode(alicePage, bobPage)).toMatch(CODE);
    await expectMediaBothWays({ page: alicePage, who: alice }, { page: bobPage, who: bob });

    // A call has none of a meeting's services: Record is there but says why it cannot be used.
    const record = alicePage.getByRole('button', { name: 'Record' });
    expect(await record.getAttribute('aria-disabled')).toBe('true');
    await world.screenshot(alicePage, 'call-e2ee.png');
    await hangUp(alicePage, bobPage);

    const row = await historyRow(alicePage, 'You called Bob — answered');
    expect(await row.textContent()).toContain('End-to-end encrypted');
  });

  it('rings Carol with why it is standard; she declines and Alice reads "Declined"', async () => {
    carolPage = await openAt(carol, '/settings', 'My settings');
    world.screenshotsOnFailure({ alice: alicePage, carol: carolPage });
    await callFromDirectory(alicePage, carol);
    const dialog = incoming(carolPage, alice);
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('CALL_E2EE_OFF_IN_USER_SETTINGS');
    await dialog.getByRole('button', { name: 'Decline' }).click();
    await alicePage.getByText('Declined: Carol declined the call.').waitFor();
    await dialog.waitFor({ state: 'detached' });
    await historyRow(alicePage, 'You called Carol — declined');
  });

  it('places a standard call Carol accepts: media, no shield, the reason on both sides', async () => {
    world.screenshotsOnFailure({ alice: alicePage, carol: carolPage });
    const callId = await callFromDirectory(alicePage, carol);
    await accept(carolPage, alice, callId);
    await joinMedia(alicePage);
    await joinMedia(carolPage);

    await expectMediaBothWays({ page: alicePage, who: alice }, { page: carolPage, who: carol });
    for (const [page, other] of [
      [alicePage, 'Carol'],
      [carolPage, 'Alice'],
    ] as const) {
      const why = page.getByRole('status').filter({ hasText: `Call with ${other}: standard` });
      expect(await why.textContent()).toContain(
        'The callee has not turned on end-to-end encrypted calls in their settings',
      );
      expect(await why.textContent()).toContain('CALL_E2EE_OFF_IN_USER_SETTINGS');
      expect(await page.locator('.room-shield').count()).toBe(0);
      expect(await page.locator('.security-code').count()).toBe(0);
    }
    await world.screenshot(carolPage, 'call-standard.png');
    await hangUp(carolPage, alicePage);
  });

  it('is missed when Bob does not answer: both sides are told, and the history says so', async () => {
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    // Bob is still on the page of the call that ended.
    await callFromDirectory(alicePage, bob);
    await incoming(bobPage, alice).waitFor();
    await alicePage.getByText('Missed: Bob did not answer.').waitFor({ timeout: RING_MS + 10_000 });
    await incoming(bobPage, alice).waitFor({ state: 'detached' });
    await historyRow(bobPage, 'Missed call from Alice');
    const history = await historyRow(alicePage, 'You called Bob — not answered');
    expect(await history.textContent()).toContain('End-to-end encrypted');
    await historyRow(alicePage, 'You called Carol — declined');
    await world.screenshot(alicePage, 'call-history.png');
  });
});
