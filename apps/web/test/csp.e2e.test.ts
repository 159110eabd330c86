// The web app runs under the server's strict Content-Security-Policy: one page load, sign-in and an
// E2EE meeting room (camera, microphone, WebCodecs, the SFrame worker, the realtime socket) with
// not one violation reported by the browser.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { settledCode, workerFrames } from './support/media.ts';
import { licensedPerson, startedMeeting } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;

beforeAll(async () => {
  world = await startRoomWorld('csp');
});

afterAll(async () => {
  await world?.close();
});

/** Every violation the page reports, as `directive blocked-uri`. */
const violations = (page: Page): Promise<string[]> =>
  page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations ?? []);

it('signs in and opens an E2EE meeting room without a single CSP violation', async () => {
  const alice = await licensedPerson(world.url, world.adminToken, 'Alice');
  const meetingId = await startedMeeting(world.url, alice, [], true, 'Strict policy');
  const page = await world.newPage({
    initScripts: [
      () => {
        const seen: string[] = [];
        (globalThis as { __cspViolations?: string[] }).__cspViolations = seen;
        document.addEventListener('securitypolicyviolation', (event) => {
          seen.push(`${event.violatedDirective} ${event.blockedURI}`);
        });
      },
    ],
  });
  world.screenshotsOnFailure({ alice: page });
  const consoleReports: string[] = [];
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) consoleReports.push(message.text());
  });

  const response = await page.goto(`${world.url}/meetings/${meetingId}/room`);
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain('unsafe');

  await world.signIn(page, alice);
  await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
  // In the group (the code shows) and publishing through the SFrame worker.
  await settledCode(page);
  await expect.poll(() => workerFrames(page), { timeout: 20_000 }).toBeGreaterThan(0);

  expect(await violations(page)).toEqual([]);
  expect(consoleReports).toEqual([]);
});
