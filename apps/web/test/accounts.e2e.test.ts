// Accounts in the browser, against the real server: a one-time password leads straight to
// choosing one's own and then into the app; a password changed in Settings; an admin disables a
// person whose open page is signed out at once and whose sign-in is refused with a sentence, then
// enables them again; and a policy and the Premium licence granted to selected users at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@conclave/server';
import { launchChromium } from './support/browser.ts';
import { buildWebApp, distDir } from './support/buildApp.ts';
import { startFrontServer, type FrontServer } from './support/frontServer.ts';

const timeout = 15_000;
const nora = { name: 'Nora Newcomer', email: 'nora@example.com', first: 'handed-over-by-admin' };
const noraOwn = 'nora-chose-this-one';
const noraLater = 'nora-changed-it-again';
const pim = { name: 'Pim Plain', email: 'pim@example.com', password: 'pim-plain-password' };

let dataDir: string;
let api: RunningServer;
let front: FrontServer;
let browser: Browser;
let admin: { email: string; password: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conclave-accounts-e2e-'));
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

async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('accounts in the web app', () => {
  let adminPage: Page;
  let noraPage: Page;

  it('the admin creates a user with a one-time password and another with a lasting one', async () => {
    ({ page: adminPage } = await newPage());
    await adminPage.goto(`${front.url}/admin/users`);
    await fillSignIn(adminPage, admin.email, admin.password);
    await adminPage.getByRole('heading', { level: 1, name: 'Users and licences' }).waitFor();
    const form = adminPage.getByRole('region', { name: 'New user' });
    for (const [person, password, oneTime] of [
      [nora, nora.first, true],
      [pim, pim.password, false],
    ] as const) {
      await form.getByLabel('Display name').fill(person.name);
      await form.getByLabel('Email').fill(person.email);
      await form.getByLabel('Password', { exact: true }).fill(password);
      const box = form.getByLabel(/^One-time password/);
      expect(await box.isChecked()).toBe(true);
      if (!oneTime) await box.uncheck();
      await form.getByRole('button', { name: 'Create user' }).click();
      await adminPage.getByRole('row', { name: new RegExp(person.name) }).waitFor();
    }
    const noraRow = adminPage.getByRole('row', { name: new RegExp(nora.name) });
    await noraRow.getByText('Must change password').waitFor();
    const pimRow = adminPage.getByRole('row', { name: new RegExp(pim.name) });
    await pimRow.getByText('Active').waitFor();
  });

  it('leads a one-time password to choosing one’s own, then into the app', async () => {
    ({ page: noraPage } = await newPage());
    await noraPage.goto(`${front.url}/meetings`);
    await fillSignIn(noraPage, nora.email, nora.first);
    await noraPage.getByRole('heading', { level: 1, name: 'Choose your own password' }).waitFor();
    // Nothing else is on offer: no navigation, no meetings.
    expect(await noraPage.getByRole('link', { name: 'Meetings', exact: true }).count()).toBe(0);

    await noraPage.getByLabel('Current password').fill(nora.first);
    await noraPage.getByLabel(/^New password \(required\)$/).fill('password1234');
    await noraPage.getByLabel('New password again').fill('password1234');
    await noraPage.getByRole('button', { name: 'Change password and continue' }).click();
    // The server's sentence, on the field it is about.
    await noraPage.locator('.field-error', { hasText: 'one of the most commonly used' }).waitFor();
    expect(
      await noraPage.getByLabel(/^New password \(required\)$/).getAttribute('aria-invalid'),
    ).toBe('true');

    await noraPage.getByLabel(/^New password \(required\)$/).fill(noraOwn);
    await noraPage.getByLabel('New password again').fill(`${noraOwn}-typo`);
    await noraPage.getByRole('button', { name: 'Change password and continue' }).click();
    await noraPage.getByText('The two new passwords are not the same.').waitFor();

    await noraPage.getByLabel('New password again').fill(noraOwn);
    await noraPage.getByRole('button', { name: 'Change password and continue' }).click();
    await noraPage.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();
  });

  it('changes the password in Settings', async () => {
    await noraPage.goto(`${front.url}/settings`);
    await noraPage.getByRole('heading', { level: 1, name: 'My settings' }).waitFor();
    const section = noraPage.getByRole('region', { name: 'Password' });
    await section.getByLabel('Current password').fill('not-my-password-at-all');
    await section.getByLabel(/^New password \(required\)$/).fill(noraLater);
    await section.getByLabel('New password again').fill(noraLater);
    await section.getByRole('button', { name: 'Change password' }).click();
    await section
      .locator('.field-error', { hasText: 'This is not your current password.' })
      .waitFor();

    await section.getByLabel('Current password').fill(noraOwn);
    await section.getByRole('button', { name: 'Change password' }).click();
    await section.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor();
    // Still signed in here.
    await noraPage.getByRole('link', { name: 'Meetings', exact: true }).click();
    await noraPage.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();
  });

  it('an admin disables Nora: her open page is signed out, her sign-in refused; enabling undoes it', async () => {
    await adminPage.reload();
    const row = adminPage.getByRole('row', { name: new RegExp(nora.name) });
    await row.getByRole('button', { name: `Disable ${nora.name}` }).click();
    await row.getByRole('button', { name: 'Yes, disable' }).click();
    await row.getByText('Disabled').waitFor();
    await row.getByRole('button', { name: `Enable ${nora.name}` }).waitFor();

    // Her page's next request finds the session gone.
    await noraPage.getByRole('link', { name: 'Calls', exact: true }).click();
    await noraPage.getByRole('heading', { name: 'Sign in to Conclave' }).waitFor();
    await noraPage.getByText('Your session has ended.').waitFor();
    await fillSignIn(noraPage, nora.email, noraLater);
    await noraPage.getByRole('alert').filter({ hasText: 'This account is disabled' }).waitFor();

    await row.getByRole('button', { name: `Enable ${nora.name}` }).click();
    await row.getByText('Active').waitFor();
    await fillSignIn(noraPage, nora.email, noraLater);
    await noraPage.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('grants a policy and the Premium licence to the selected users at once', async () => {
    const selection = adminPage.getByRole('region', { name: 'Act on selected users' });
    await adminPage.getByRole('checkbox', { name: `Select ${nora.name}` }).check();
    await adminPage.getByRole('checkbox', { name: `Select ${pim.name}` }).check();
    await selection.getByText('2 users selected').waitFor();
    await selection.getByLabel('Encryption policy to grant').selectOption('Global');
    await selection.getByRole('button', { name: 'Grant policy to selected' }).click();
    await selection
      .getByRole('status')
      .filter({ hasText: 'Granted the encryption policy Global to 2 users.' })
      .waitFor();

    // Select all of what the filter shows: only the two, by their shared domain... and the admin.
    const finder = adminPage.getByRole('search', { name: 'Find users' });
    await finder.getByLabel('Search by name or email').fill('example.com');
    await selection.getByLabel(/^Select all 2 users shown/).check();
    await selection.getByText('2 users selected').waitFor();
    await selection.getByRole('button', { name: 'Assign Premium licence' }).click();
    await selection
      .getByRole('status')
      .filter({ hasText: 'Assigned the Premium licence to 2 users.' })
      .waitFor();
    for (const name of [nora.name, pim.name]) {
      const row = adminPage.getByRole('row', { name: new RegExp(name) });
      await row.getByRole('cell', { name: 'Yes', exact: true }).waitFor();
    }
    // The selection is cleared after the change.
    await selection.getByText('0 users selected').waitFor();
  });
});
