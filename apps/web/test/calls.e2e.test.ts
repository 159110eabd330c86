// 1:1 calls end to end in two browsers against the real server: the caller starts a call from the
// Calls page and lands in the call's room; the callee, whose Calls page is already open, sees
// "Alice is calling you" appear (the page polls) and joins. An E2EE call carries video and audio
// both ways and both sides show the same 20-digit code; a call to someone who has not turned E2EE
// calls on carries media too, shows no shield and no code, and both sides read why.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioDecoded, CODE, expectMovingVideo, sharedCode } from './support/media.ts';
import { api, licensedPerson, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
let alice: Person;
let bob: Person;
let carol: Person;

beforeAll(async () => {
  world = await startRoomWorld('call');
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

/** A fresh browser for `person`, signed in on the Calls page. */
async function openCalls(person: Person): Promise<Page> {
  const page = await world.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${world.url}/calls`);
  await world.signIn(page, person);
  await page.getByRole('heading', { level: 1, name: 'Calls' }).waitFor();
  return page;
}

/** From the Calls page: start a call to `callee`, land in its room; returns the call id. */
async function startCallTo(page: Page, callee: Person): Promise<string> {
  await page.getByLabel('Call', { exact: true }).selectOption({ label: callee.name });
  await page.getByRole('button', { name: 'Start call' }).click();
  await page.getByRole('heading', { level: 1, name: `Call with ${callee.name}` }).waitFor();
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
  expect(id).not.toBe('');
  return id;
}

/** On the callee's open Calls page: the incoming call appears by polling; Join opens its room. */
async function answer(
  page: Page,
  caller: Person,
  callId: string,
  screenshot?: string,
): Promise<void> {
  const row = page.locator('tr', { hasText: `${caller.name} is calling you` });
  await row.waitFor({ timeout: 15_000 });
  if (screenshot !== undefined) await world.screenshot(page, screenshot);
  await row.getByRole('link', { name: 'Join' }).click();
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

async function leave(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave' }).click();
  await page.getByText('You left the call.').waitFor();
}

describe('1:1 calls in two browsers', () => {
  let alicePage: Page;

  it('places an E2EE call that the callee answers from the list; media and one code on both sides', async () => {
    const bobPage = await openCalls(bob);
    alicePage = await openCalls(alice);
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });

    const callId = await startCallTo(alicePage, bob);
    await alicePage
      .getByRole('status')
      .filter({ hasText: 'Call with Bob: end-to-end encrypted.' })
      .waitFor();
    await joinMedia(alicePage);

    await answer(bobPage, alice, callId, 'call-incoming.png');
    await bobPage
      .getByRole('status')
      .filter({ hasText: 'Call with Alice: end-to-end encrypted.' })
      .waitFor();
    await joinMedia(bobPage);

    // The same 20-digit code on both sides once both are in the two-member group.
    expect(await sharedCode(alicePage, bobPage)).toMatch(CODE);

    await expectMediaBothWays({ page: alicePage, who: alice }, { page: bobPage, who: bob });
    await expect.poll(() => alicePage.locator('.room-person').count()).toBe(2);

    // A call has none of a meeting's services: Record is there but says why it cannot be used.
    const record = alicePage.getByRole('button', { name: 'Record' });
    expect(await record.getAttribute('aria-disabled')).toBe('true');
    await record.press('Enter');
    await expect
      .poll(() => alicePage.locator('.room-feature-answer').textContent())
      .toContain('Recording is not available in a 1:1 call');
    await world.screenshot(alicePage, 'call-e2ee.png');

    // The caller's own list shows the call as placed, E2EE.
    await leave(alicePage);
    await leave(bobPage);
    await alicePage.getByRole('link', { name: 'Back to calls' }).click();
    const placed = alicePage.locator('tr', { hasText: 'You called Bob' });
    await placed.waitFor();
    expect(await placed.textContent()).toContain('End-to-end encrypted');
  });

  it('places a standard call when the callee has E2EE calls off: media, no shield, the reason on both sides', async () => {
    const carolPage = await openCalls(carol);
    world.screenshotsOnFailure({ alice: alicePage, carol: carolPage });

    const callId = await startCallTo(alicePage, carol);
    await joinMedia(alicePage);
    await answer(carolPage, alice, callId);
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
    await leave(carolPage);
    await leave(alicePage);
  });
});
