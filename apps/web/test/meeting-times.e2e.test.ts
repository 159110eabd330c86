// Scheduling a week in Chromium against the real server: an organizer in Tokyo schedules a weekly
// meeting on Berlin's clock, lands on its page, finds it in the upcoming list in order with times
// in her zone, changes who is invited before the start, and downloads the .ics invitation.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@conclave/server';
import { launchChromium } from './support/browser.ts';
import { buildWebApp, distDir } from './support/buildApp.ts';
import { startFrontServer, type FrontServer } from './support/frontServer.ts';

const organizer = {
  email: 'tomo@example.com',
  name: 'Tomo Organizer',
  password: 'tomo-horse-battery',
};
const bob = { email: 'bob@example.com', name: 'Bob Invitee', password: 'bob-horse-battery' };
const carol = { email: 'carol@example.com', name: 'Carol Colleague', password: 'carol-horse-bat' };

let dataDir: string;
let api: RunningServer;
let front: FrontServer;
let browser: Browser;

async function call(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function tokenOf(email: string, password: string): Promise<string> {
  const response = await fetch(`${api.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conclave-times-e2e-'));
  const [server] = await Promise.all([
    startServer({ port: 0, dataDir, log: () => {}, passwordCost: { N: 2 ** 10, r: 8, p: 1 } }),
    buildWebApp(),
  ]);
  api = server;
  if (!api.firstAdmin) throw new Error('the server did not report its first admin');
  const admin = await tokenOf(api.firstAdmin.email, api.firstAdmin.password);
  for (const person of [organizer, bob, carol]) {
    await call(admin, 'POST', '/api/admin/users', {
      email: person.email,
      displayName: person.name,
      password: person.password,
      mustChangePassword: false,
    });
  }
  // Two meetings already on the organizer's list: one later than the one scheduled below, and
  // one in the past.
  const tomo = await tokenOf(organizer.email, organizer.password);
  await call(tomo, 'POST', '/api/meetings', {
    subject: 'Quarterly review',
    start: '2099-06-01T10:00',
    timeZone: 'UTC',
  });
  await call(tomo, 'POST', '/api/meetings', {
    subject: 'Old retro',
    start: '2020-01-06T10:00',
    timeZone: 'UTC',
  });
  front = await startFrontServer(distDir, api.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await front?.close();
  await api?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const rowsOf = async (page: Page, caption: string) =>
  page
    .getByRole('table', { name: caption })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).innerText));

describe('a meeting people can run their week on', () => {
  it('schedules, lists, edits invitations and downloads the .ics', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Asia/Tokyo',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${front.url}/meetings`);
    await page.getByLabel('Email').fill(organizer.email);
    await page.getByLabel('Password').fill(organizer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();

    await page.getByRole('link', { name: 'Schedule a meeting' }).click();
    await page.getByRole('heading', { level: 1, name: 'Schedule a meeting' }).waitFor();
    // The form starts in the viewer's zone.
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    await page.getByLabel('Subject').fill('Weekly planning');
    await page.getByLabel('Starts').fill('2099-03-02T09:30');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByLabel('Duration (minutes)').fill('45');
    await page.getByLabel('Repeats').selectOption({ label: 'Every week' });
    await page.getByLabel('Times', { exact: true }).fill('4');
    await page.getByRole('group', { name: 'Invite' }).getByLabel(bob.name).check();
    await page.getByRole('button', { name: 'Schedule meeting' }).click();

    // On to the new meeting's page: its time on Berlin's clock, and in Tokyo.
    await page.getByRole('heading', { level: 1, name: 'Weekly planning' }).waitFor();
    const meetingPath = new URL(page.url()).pathname;
    expect(meetingPath).toMatch(/^\/meetings\/[^/]+$/u);
    const facts = await page.locator('.facts').innerText();
    expect(facts).toContain(' 2 Mar 2099, 09:30 (Europe/Berlin)');
    expect(facts).toContain(' 2 Mar 2099, 17:30 your time');
    expect(facts).toContain('Every week, 4 times');

    // Before the start the organizer changes who is invited: Carol in, Bob out.
    const invited = page.getByRole('list', { name: 'Invited people' });
    // Names come from the directory, read after the page: wait for it rather than read once.
    await invited.getByText(bob.name).waitFor();
    await page.getByLabel('Invite someone').selectOption({ label: carol.name });
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByText(`${carol.name} is invited.`).waitFor();
    await page.getByRole('button', { name: `Remove ${bob.name}` }).click();
    await page.getByText(`${bob.name} is no longer invited.`).waitFor();
    const names = await invited.locator('li > span').allInnerTexts();
    expect(names).toEqual([carol.name]);

    // The invitation, as a calendar file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download invitation (.ics)' }).click(),
    ]);
    const file = join(dataDir, 'invitation.ics');
    await download.saveAs(file);
    const ics = (await readFile(file, 'utf8')).replace(/\r\n /gu, '');
    expect(ics).toContain('SUMMARY:Weekly planning');
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20990302T093000');
    expect(ics).toContain('RRULE:FREQ=WEEKLY;COUNT=4');
    expect(ics.toLowerCase()).toContain('mailto:carol@example.com');
    expect(ics.toLowerCase()).not.toContain('mailto:bob@example.com');
    expect(ics).toContain(meetingPath);

    // The list: upcoming soonest first, then past; times in Tokyo.
    await page.getByRole('link', { name: 'All meetings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();
    await page.getByRole('table', { name: 'Upcoming meetings' }).waitFor();
    const upcoming = await rowsOf(page, 'Upcoming meetings');
    expect(upcoming.map((row) => row.split('\t')[0])).toEqual([
      'Weekly planning',
      'Quarterly review',
    ]);
    expect(upcoming[0]).toContain(' 2 Mar 2099, 17:30–18:15');
    expect(upcoming[1]).toContain(' 1 Jun 2099, 19:00');
    const past = await rowsOf(page, 'Past meetings');
    expect(past.map((row) => row.split('\t')[0])).toEqual(['Old retro']);
    await context.close();
  });
});
