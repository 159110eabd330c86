// The web app end to end in Chromium against the real server: an admin governs, an organizer
// sees exactly what governance allows, and the what-if page explains a scenario.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startServer, type RunningServer } from '@conclave/server';
import { launchChromium } from './support/browser.ts';
import { buildWebApp, distDir } from './support/buildApp.ts';
import { startFrontServer, type FrontServer } from './support/frontServer.ts';

const artifacts = fileURLToPath(new URL('../../../test-artifacts/web/', import.meta.url));
const organizer = {
  email: 'olivia@example.com',
  name: 'Olivia Organizer',
  password: 'correct-horse-battery',
};
const timeout = 15_000;

let dataDir: string;
let api: RunningServer;
let front: FrontServer;
let browser: Browser;
let admin: { email: string; password: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conclave-web-e2e-'));
  await mkdir(artifacts, { recursive: true });
  const [server] = await Promise.all([
    startServer({ port: 0, dataDir, log: () => {}, passwordCost: { N: 2 ** 10, r: 8, p: 1 } }),
    buildWebApp(),
  ]);
  api = server;
  if (!api.firstAdmin) throw new Error('the server did not report its first admin');
  admin = api.firstAdmin;
  front = await startFrontServer(distDir, api.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await front?.close();
  await api?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return { context, page };
}

/** Keeps what the page showed when a step failed, beside the other screenshots. */
function keepFailure(page: () => Page | undefined, name: string): void {
  onTestFailed(async () => {
    await page()
      ?.screenshot({ path: join(artifacts, `failed-${name}.png`), fullPage: true })
      .catch(() => undefined);
  });
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${front.url}/meetings`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();
}

async function visit(page: Page, path: string, title: string): Promise<void> {
  await page.goto(`${front.url}${path}`);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
  // Every page names itself in the browser's tab, and shows the app's icon there.
  expect(await page.title()).toBe(`${title} · Conclave`);
  expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.svg');
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

describe('the Conclave web app', () => {
  let adminPage: Page;

  it('lets the admin sign in and see the admin center', async () => {
    keepFailure(() => adminPage, 'sign-in');
    ({ page: adminPage } = await newPage());
    await adminPage.goto(`${front.url}/`);
    await adminPage.getByRole('heading', { name: 'Sign in to Conclave' }).waitFor();
    await screenshot(adminPage, '00-sign-in');

    // A wrong password is refused with the server's sentence, not a stack trace.
    await adminPage.getByLabel('Email').fill(admin.email);
    await adminPage.getByLabel('Password').fill('not the password');
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();

    await signIn(adminPage, admin.email, admin.password);
    await adminPage.getByRole('link', { name: 'Admin center' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Admin center' }).waitFor();
    await screenshot(adminPage, '01-admin-home');
  });

  it('creates a sensitivity label that applies E2EE', async () => {
    keepFailure(() => adminPage, 'labels');
    await visit(adminPage, '/admin/labels', 'Sensitivity labels');
    const form = adminPage.getByRole('region', { name: 'New label' });
    await form.getByLabel('Name').fill('Highly confidential');
    expect(await form.getByLabel('Id').inputValue()).toBe('highly-confidential');
    await form.getByRole('radio', { name: /^Apply end-to-end encryption/ }).check();
    await form.getByRole('button', { name: 'Create label' }).click();
    const row = adminPage.getByRole('row', { name: /Highly confidential/ });
    await row.waitFor();
    expect(await textOf(row)).toContain('Applies end-to-end encryption');
    await screenshot(adminPage, '02-admin-labels');

    // A second label with the same name (as people read it) is refused, with the reason.
    await form.getByLabel('Name').fill('highly Confidential');
    await form.getByLabel('Id').fill('second-copy');
    await form.getByRole('button', { name: 'Create label' }).click();
    await adminPage
      .getByRole('alert')
      .filter({ hasText: "A label named 'Highly confidential' already exists" })
      .waitFor();
    expect(await adminPage.getByRole('row', { name: /second-copy/ }).count()).toBe(0);
  });

  it('creates a template that locks E2EE on', async () => {
    keepFailure(() => adminPage, 'templates');
    await visit(adminPage, '/admin/templates', 'Meeting templates');
    const form = adminPage.getByRole('region', { name: 'New template' });
    await form.getByLabel('Name').fill('Sensitive');
    await form.getByLabel('End-to-end encryption', { exact: true }).selectOption('on');
    await form.getByLabel('Lock end-to-end encryption').check();
    // Recording on beside E2EE locked on: every meeting with it would be refused, so it is.
    await form.getByLabel('Recording', { exact: true }).selectOption('on');
    await form.getByRole('button', { name: 'Create template' }).click();
    await adminPage
      .getByRole('alert')
      .filter({ hasText: 'Recording cannot be turned on' })
      .waitFor();
    await form.getByLabel('Recording', { exact: true }).selectOption('off');
    await form.getByLabel('Lock Recording').check();
    await form.getByRole('button', { name: 'Create template' }).click();
    const row = adminPage.getByRole('row', { name: /Sensitive/ });
    await row.waitFor();
    expect(await textOf(row)).toContain('On, locked');
    // The list shows the values of the options the template sets.
    expect(await textOf(row)).toContain('Recording: Off, locked');
    await screenshot(adminPage, '03-admin-templates');
  });

  it('sets the Global policy to "Not enabled", and explains why Global cannot be deleted', async () => {
    keepFailure(() => adminPage, 'policies');
    await visit(adminPage, '/admin/encryption-policies', 'Enhanced encryption policies');
    await adminPage.getByRole('button', { name: 'Edit Global' }).click();
    const edit = adminPage.getByRole('region', { name: "Edit 'Global'" });
    await edit
      .getByRole('group', { name: 'End-to-end meeting encryption' })
      .getByRole('radio', { name: 'Not enabled', exact: true })
      .check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await adminPage.getByRole('status').filter({ hasText: "Saved the policy 'Global'" }).waitFor();
    const row = adminPage.getByRole('row', { name: /^Global/ });
    await expect.poll(() => textOf(row.getByRole('cell').nth(1)), { timeout }).toBe('Not enabled');

    // Focusable though not available (aria-disabled): pressing it explains instead of acting.
    await row.getByRole('button', { name: 'Delete' }).press('Enter');
    await row.getByText('cannot be deleted').waitFor();
    await screenshot(adminPage, '04-admin-encryption-policies');
  });

  it('creates an organizer with the Premium licence on the Users page', async () => {
    keepFailure(() => adminPage, 'users');
    await visit(adminPage, '/admin/users', 'Users and licences');
    const form = adminPage.getByRole('region', { name: 'New user' });
    await form.getByLabel('Display name').fill(organizer.name);
    await form.getByLabel('Email').fill(organizer.email);
    await form.getByLabel('Password', { exact: true }).fill(organizer.password);
    // Not one-time: this organizer goes straight to their meetings (accounts.e2e.test.ts walks
    // through the change a one-time password asks for).
    await form.getByLabel(/^One-time password/).uncheck();
    await form.getByLabel(/Premium licence/).check();
    await form.getByRole('button', { name: 'Create user' }).click();
    const row = adminPage.getByRole('row', { name: new RegExp(organizer.name) });
    await row.waitFor();
    expect(await textOf(row)).toContain('Yes');

    // Search and filters: the organizer by part of the email, then gone under "No Premium".
    const finder = adminPage.getByRole('search', { name: 'Find users' });
    await finder.getByLabel('Search by name or email').fill(organizer.email.split('@')[0]!);
    const table = adminPage.getByRole('table', { name: /^Users \(1 of \d+\)$/ });
    await table.waitFor();
    expect(await table.getByRole('row', { name: new RegExp(organizer.name) }).count()).toBe(1);
    await finder.getByLabel('Licence').selectOption('none');
    await adminPage.getByText('No user matches these filters.').waitFor();
    await finder.getByLabel('Licence').selectOption('any');
    await finder.getByLabel('Search by name or email').fill('');
    await adminPage.getByRole('table', { name: 'Users' }).waitFor();

    // A bad email comes back as a hint on the field itself.
    await form.getByLabel('Display name').fill('Broken');
    await form.getByLabel('Email').fill('not-an-email');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.locator('.field-error').first().waitFor();
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await screenshot(adminPage, '05-admin-users');
  });

  it('shows every other admin page without errors', async () => {
    keepFailure(() => adminPage, 'admin-pages');
    const pages: [string, string, string][] = [
      ['/admin/compliance-recording', 'Compliance recording', '07-admin-compliance-recording'],
      ['/admin/tenant', 'Tenant E2EE settings', '08-admin-tenant'],
      ['/admin/groups', 'Groups', '09-admin-groups'],
      ['/admin/audit', 'Audit log', '10-admin-audit'],
    ];
    for (const [path, title, name] of pages) {
      await visit(adminPage, path, title);
      expect(await adminPage.getByRole('alert').count(), path).toBe(0);
      await screenshot(adminPage, name);
    }
    // A group with the organizer in it, the Global policy assigned to it at rank 1, and the
    // organizer's effective policy explained by that assignment.
    await visit(adminPage, '/admin/groups', 'Groups');
    const newGroup = adminPage.getByRole('region', { name: 'New group' });
    await newGroup.getByLabel('Name').fill('Finance');
    await newGroup.getByRole('button', { name: 'Create group' }).click();
    await adminPage.getByRole('button', { name: 'Manage Finance' }).click();
    const members = adminPage.getByRole('region', { name: "Members of 'Finance'" });
    await members
      .getByLabel('Add a member')
      .selectOption({ label: `${organizer.name} (${organizer.email})` });
    await members.getByRole('button', { name: 'Add' }).click();
    await members
      .getByRole('button', { name: `Remove ${organizer.name} (${organizer.email}) from Finance` })
      .waitFor();

    await visit(adminPage, '/admin/assignments', 'Policy assignments');
    const assign = adminPage.getByRole('region', { name: 'New assignment' });
    await assign.getByRole('radio', { name: /^A group/ }).check();
    await assign.getByRole('spinbutton', { name: 'Rank' }).fill('1');
    await assign.getByRole('button', { name: 'Assign' }).click();
    await adminPage.getByRole('row', { name: /Group: Finance \(rank 1\)/ }).waitFor();
    const why = adminPage.getByRole('region', { name: 'Why does a user have their policy?' });
    await why.getByLabel('User').selectOption({ label: `${organizer.name} (${organizer.email})` });
    await why.getByRole('button', { name: 'Show effective policy' }).click();
    await why.getByText("Effective policy: Global, through the group 'Finance'").waitFor();
    await screenshot(adminPage, '06-admin-assignments');

    // The audit log holds the changes just made, newest first, and filters by kind.
    // (Newest first: the assignment and group changes come before the user's creation.)
    await visit(adminPage, '/admin/audit', 'Audit log');
    const kinds = await adminPage
      .getByRole('region', { name: 'All entries' })
      .locator('tbody tr td:nth-child(3)')
      .allInnerTexts();
    expect(kinds[0]).toBe('encryption-policy-assignment.created');
    const order = [
      'user.created',
      'encryption-policy.changed',
      'template.created',
      'label.created',
    ];
    const positions = order.map((kind) => kinds.indexOf(kind));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    await adminPage.getByLabel('Kind').fill('label');
    await adminPage.getByRole('button', { name: 'Filter' }).click();
    const labelRows = adminPage
      .getByRole('region', { name: "Entries of kind 'label'" })
      .locator('tbody tr');
    await labelRows.first().waitFor();
    expect(await labelRows.count()).toBe(1);
    expect(await textOf(labelRows.first())).toContain('label:highly-confidential');
    // Named beside its id.
    expect(await textOf(labelRows.first())).toContain('Highly confidential');

    // Days: a range that ends before it starts is refused on the page; today holds the entry.
    const today = new Date();
    const day = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const yesterday = new Date(today.getTime() - 86_400_000);
    await adminPage.getByLabel('From').fill(day(today));
    await adminPage.getByLabel('To').fill(day(yesterday));
    await adminPage.getByRole('button', { name: 'Filter' }).click();
    await adminPage.getByText('The last day must not be before the first.').waitFor();
    await adminPage.getByLabel('To').fill(day(today));
    await adminPage.getByRole('button', { name: 'Filter' }).click();
    await adminPage
      .getByText('The last day must not be before the first.')
      .waitFor({ state: 'detached' });
    await labelRows.first().waitFor();
    expect(await labelRows.count()).toBe(1);
    await screenshot(adminPage, '10-admin-audit-filtered');

    // The export is what the filter shows, as a file.
    const [download] = await Promise.all([
      adminPage.waitForEvent('download'),
      adminPage.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^conclave-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor_id,actor_name,kind,subject,subject_name,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"label.created","label:highly-confidential","Highly confidential"');
    await screenshot(adminPage, 'audit-export');
  });

  it('answers a what-if against the live organization, and lets a draft change be tried on it', async () => {
    keepFailure(() => adminPage, 'what-if-live');
    await visit(adminPage, '/admin/what-if', 'What-if');
    const live = adminPage.getByRole('form', { name: 'What-if against your organization' });
    await live
      .getByLabel('Person')
      .selectOption({ label: `${organizer.name} (${organizer.email})` });
    await live.getByLabel('Client', { exact: true }).selectOption('web');
    await live.getByRole('button', { name: 'Decide against the organization' }).click();
    // Global was set to "Not enabled" above: the organizer's new E2EE meeting is refused, and why.
    const meeting = adminPage
      .getByRole('region', { name: 'Meetings' })
      .getByRole('row', { name: /^new-meeting/ });
    await meeting.waitFor();
    expect(await textOf(meeting)).toContain('E2EE_POLICY_DISABLED');
    const policy = adminPage
      .getByRole('region', { name: 'Effective policies' })
      .getByRole('row', { name: new RegExp(organizer.name) });
    expect(await textOf(policy)).toContain('Global');
    await adminPage.getByText('The scenario below is your organization as it is now').waitFor();
    await screenshot(adminPage, '10-admin-what-if-live');

    // The draft: Global allows E2EE meetings again. Run on the scenario, nothing is changed.
    const scenario = JSON.parse(await adminPage.getByLabel('Scenario (JSON)').inputValue()) as {
      policies: { name: string; meetingEndToEndEncryption: string }[];
    };
    const global = scenario.policies.find((p) => p.name === 'Global');
    expect(global?.meetingEndToEndEncryption).toBe('Disabled');
    global!.meetingEndToEndEncryption = 'DisabledUserOverride';
    await adminPage.getByLabel('Scenario (JSON)').fill(JSON.stringify(scenario, null, 2));
    await adminPage.getByRole('button', { name: 'Run scenario' }).click();
    await adminPage
      .getByRole('region', { name: 'Meetings' })
      .getByRole('row', { name: /^new-meeting/ })
      .filter({ hasText: 'Scheduled' })
      .waitFor();
    await visit(adminPage, '/admin/encryption-policies', 'Enhanced encryption policies');
    expect(await textOf(adminPage.getByRole('row', { name: /^Global/ }).first())).toContain(
      'Not enabled',
    );
  });

  it('runs the §8 what-if example and shows the blocked join with its reason', async () => {
    keepFailure(() => adminPage, 'what-if');
    await visit(adminPage, '/admin/what-if', 'What-if');
    await adminPage.getByRole('button', { name: 'Run scenario' }).click();
    const joins = adminPage.getByRole('region', { name: 'Joins' });
    await joins.waitFor();
    // alice's group policy forbids E2EE, so the template's meeting is rejected and bob cannot join.
    const meeting = adminPage
      .getByRole('region', { name: 'Meetings' })
      .getByRole('row', { name: /^m1/ });
    expect(await textOf(meeting)).toContain('TEMPLATE_REQUIRES_E2EE');
    const join = joins.getByRole('row', { name: /bob → m1/ });
    expect(await textOf(join)).toContain('Blocked');
    expect(await textOf(join)).toContain('MEETING_NOT_FOUND');
    await adminPage.getByText('Raw JSON').click();
    expect(await adminPage.locator('.raw-json pre').innerText()).toContain('"outcome": "blocked"');
    await screenshot(adminPage, '11-admin-what-if');

    // Edited: alice may hold E2EE now, and bob joins from a VDI client the tenant blocks.
    const edited = JSON.parse(await adminPage.getByLabel('Scenario (JSON)').inputValue()) as {
      assignments: { group?: string }[];
      joins: { client: { platform: string } }[];
    };
    edited.assignments = edited.assignments.filter((a) => a.group !== 'finance');
    edited.joins[0]!.client.platform = 'vdi';
    await adminPage.getByLabel('Scenario (JSON)').fill(JSON.stringify(edited, null, 2));
    await adminPage.getByRole('button', { name: 'Run scenario' }).click();
    const blocked = adminPage
      .getByRole('region', { name: 'Joins' })
      .getByRole('row', { name: /bob → m1/ })
      .filter({ hasText: 'CLIENT_NOT_SUPPORTED' });
    await blocked.waitFor();
    expect(await textOf(blocked)).toContain('virtual desktop');
    expect(
      await textOf(
        adminPage.getByRole('region', { name: 'Meetings' }).getByRole('row', { name: /^m1/ }),
      ),
    ).toContain('end-to-end encrypted and locked');

    // Broken JSON: one line naming where.
    await adminPage.getByLabel('Scenario (JSON)').fill('{\n  "users": [,]\n}');
    await adminPage.getByRole('button', { name: 'Run scenario' }).click();
    await adminPage
      .getByRole('alert')
      .getByText(/^\$: Not valid JSON at line 2, column 13/)
      .waitFor();

    // A bad enum value: the server names the JSON path.
    await adminPage.getByLabel('Scenario (JSON)').fill(
      JSON.stringify({
        meetings: [{ id: 'm1', type: 'party', organizer: 'nobody', options: {} }],
      }),
    );
    await adminPage.getByRole('button', { name: 'Run scenario' }).click();
    const problems = adminPage.getByRole('alert').locator('.problem-lines li');
    await problems.first().waitFor();
    const lines = await problems.allInnerTexts();
    expect(lines.some((line) => line.includes('meetings[0]'))).toBe(true);
    await screenshot(adminPage, '12-admin-what-if-invalid');

    await adminPage.getByRole('button', { name: 'Sign out' }).click();
    await adminPage.getByRole('heading', { name: 'Sign in to Conclave' }).waitFor();
    await adminPage.getByText('You have signed out.').waitFor();
    // The session is gone on the server too: the admin center needs signing in again.
    await adminPage.goto(`${front.url}/admin/users`);
    await adminPage.getByRole('heading', { name: 'Sign in to Conclave' }).waitFor();
  });

  it('shows an organizer exactly what governance allows when scheduling', async () => {
    const { page } = await newPage();
    keepFailure(() => page, 'organizer');
    await signIn(page, organizer.email, organizer.password);
    expect(await page.getByRole('link', { name: 'Admin center' }).count()).toBe(0);

    await page.goto(`${front.url}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();

    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('link', { name: 'Schedule a meeting' }).click();
    const toggle = page.locator('.e2ee-toggle');
    // Global is "Not enabled": unavailable, with the policy's reason.
    await page.locator('.e2ee-toggle[data-state="unavailable"]').waitFor();
    expect(await toggle.innerText()).toContain(
      "encryption policy 'Global' does not allow end-to-end encrypted meetings",
    );
    expect(await page.getByRole('switch', { name: 'End-to-end encryption' }).isDisabled()).toBe(
      true,
    );
    await screenshot(page, '20-schedule-unavailable');

    // The label applies E2EE: on and locked, with the label's sentence.
    await page.getByLabel('Sensitivity label').selectOption({ label: 'Highly confidential' });
    await page.locator('.e2ee-toggle[data-state="locked"]').waitFor();
    expect(await textOf(toggle)).toContain(
      "Required by the sensitivity label 'Highly confidential'",
    );
    const e2ee = page.getByRole('switch', { name: 'End-to-end encryption' });
    expect(await e2ee.getAttribute('aria-checked')).toBe('true');
    expect(await e2ee.isDisabled()).toBe(true);

    // Recording is disabled, and says why.
    const recording = page.getByRole('checkbox', { name: 'Recording' });
    expect(await recording.isDisabled()).toBe(true);
    const hintId = (await recording.getAttribute('aria-describedby')) ?? '';
    expect(await textOf(page.locator(`[id="${hintId}"]`))).toBe(
      "Recording is unavailable: this meeting is end-to-end encrypted, as the label 'Highly confidential' requires.",
    );
    await screenshot(page, '21-schedule-locked-by-label');

    await page.getByLabel('Subject').fill('Board review');
    await page.getByRole('group', { name: 'Invite' }).getByLabel('Administrator').check();
    await page.getByRole('button', { name: 'Schedule meeting' }).click();
    // Scheduling leads to the new meeting's page (no filled form left to schedule it twice),
    // which says what was decided.
    await page.getByRole('heading', { level: 1, name: 'Board review' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/meetings\/[^/]+$/);
    const done = page.getByRole('status').filter({ hasText: 'Scheduled “Board review”' });
    await done.waitFor();
    expect(await textOf(done)).toContain("Required by the sensitivity label 'Highly confidential'");

    // A join link to copy; opened signed out, it leads through sign-in back to the meeting.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: front.url,
    });
    const link = await page.getByLabel('Join link').inputValue();
    expect(link).toMatch(new RegExp(`^${front.url}/meetings/[^/]+/room$`));
    await page.getByRole('button', { name: 'Copy join link' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the join link.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    const stranger = await newPage();
    try {
      await stranger.page.goto(link);
      await stranger.page.getByLabel('Email').fill(organizer.email);
      await stranger.page.getByLabel('Password').fill(organizer.password);
      await stranger.page.getByRole('button', { name: 'Sign in' }).click();
      await stranger.page.getByRole('button', { name: /^Join with camera/ }).waitFor();
      expect(stranger.page.url()).toBe(link);
    } finally {
      await stranger.context.close();
    }

    // The meeting page: E2EE with its source, and "Record" says why not.
    await page.getByRole('button', { name: 'Record' }).press('Enter');
    await page
      .getByText(
        "Recording is unavailable: this meeting is end-to-end encrypted, as the label 'Highly confidential' requires.",
      )
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Start meeting' }).click();
    await page.getByText('The meeting has started.', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Join' }).getAttribute('href')).toMatch(
      /^\/meetings\/[^/]+\/room$/,
    );
    await screenshot(page, '22-meeting-detail');

    // A template that requires E2EE the policy forbids: the form does not contradict itself — the
    // switch is not "On", every reason is listed once, and "Schedule" is disabled with the reason.
    await visit(page, '/meetings/new', 'Schedule a meeting');
    await page.getByLabel('Subject').fill('Sensitive sync');
    await page.getByLabel('Template').selectOption({ label: 'Sensitive' });
    const required = page.locator('.e2ee-toggle[data-state="required-unavailable"]');
    await required.waitFor();
    expect(
      await page
        .getByRole('switch', { name: 'End-to-end encryption' })
        .getAttribute('aria-checked'),
    ).toBe('false');
    const reasons = await textOf(required);
    expect(reasons).toContain('TEMPLATE_REQUIRES_E2EE');
    expect(reasons).toContain('E2EE_POLICY_DISABLED');
    expect(await page.getByText('E2EE_POLICY_DISABLED').count()).toBe(1);
    const schedule = page.getByRole('button', { name: 'Schedule meeting' });
    expect(await schedule.isDisabled()).toBe(true);
    const why = (await schedule.getAttribute('aria-describedby')) ?? '';
    expect(await textOf(page.locator(`[id="${why}"]`))).toBe(
      "Required by the meeting template 'Sensitive', but you cannot hold end-to-end encrypted meetings (the reasons are above), so this meeting cannot be scheduled.",
    );
    await screenshot(page, '23-schedule-rejected');

    // A 1:1 call with the admin: standard encryption, and why.
    await visit(page, '/calls', 'Calls');
    await page.getByLabel('Find a person').fill('admin');
    await page.getByRole('button', { name: 'Call Administrator' }).click();
    const call = page.getByRole('status').filter({ hasText: 'standard encryption' });
    await call.waitFor();
    expect(await textOf(call)).toContain('CALL_E2EE_DISABLED_BY_POLICY');
    await screenshot(page, '24-calls');

    // My settings: the E2EE calls switch round-trips through the server.
    await visit(page, '/settings', 'My settings');
    const calls = page.getByRole('switch', { name: 'End-to-end encrypted calls' });
    expect(await calls.getAttribute('aria-checked')).toBe('false');
    await calls.click();
    await page.getByText('End-to-end encrypted calls are on.').waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'My settings' }).waitFor();
    expect(
      await page
        .getByRole('switch', { name: 'End-to-end encrypted calls' })
        .getAttribute('aria-checked'),
    ).toBe('true');
    await screenshot(page, '25-settings');

    // A phone-width screen still shows the form and the lock.
    await page.setViewportSize({ width: 390, height: 844 });
    await visit(page, '/meetings/new', 'Schedule a meeting');
    await page.getByLabel('Sensitivity label').selectOption({ label: 'Highly confidential' });
    await page.locator('.e2ee-toggle[data-state="locked"]').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '26-schedule-phone');
  });

  it('tells the user when the server cannot be reached', async () => {
    const { page } = await newPage();
    await signIn(page, organizer.email, organizer.password);
    await page.route('**/api/meetings', (route) => route.abort('connectionrefused'));
    await page.getByRole('link', { name: 'Calls', exact: true }).click();
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('alert').getByText('Cannot reach the Conclave server').waitFor();
  });
});
