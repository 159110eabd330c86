// Verified devices in the room, end to end (Chromium, the real server, headless SDK members):
// Alice compares her fingerprint and Bob's side by side and marks his device verified; the
// "Verified" badge shows in the roster, and again in a later meeting (kept in her browser), where
// she also verifies by scanning Bob's QR code with her camera (a forged code is refused); a new
// device of Bob's shows as "Bob — new device"; when Bob's verified device comes back with another
// key, Alice gets a blocking warning that names him and says the verification was removed.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { createDevice, createMlsCrypto, exportDevice } from '@conclave/crypto/member';
import QRCode from 'qrcode';
import { licensedPerson, startedMeeting, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
const clients: ConclaveClient[] = [];

beforeAll(async () => {
  world = await startRoomWorld('room-verify');
});

afterAll(async () => {
  for (const client of clients) client.close();
  await world?.close();
});

async function sdk(person: Person, store = new MemoryStore()): Promise<ConclaveClient> {
  const client = await ConclaveClient.connect({
    server: world.url,
    auth: { token: person.token },
    store,
    webSocket: nodeWebSocketFactory(),
    deviceName: `${person.name} test device`,
  });
  clients.push(client);
  return client;
}

async function enter(page: Page, meetingId: string): Promise<void> {
  await page.goto(`${world.url}/meetings/${meetingId}/room`);
  await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
  await page.locator('.security-code').waitFor();
}

/**
 * The camera a scan asks for (video only) films the QR code in `window.scanImage` (a data URL) —
 * a phone held up to the laptop's camera; the room's own camera and microphone stay as they are.
 */
const scanCamera = () => {
  const devices = navigator.mediaDevices;
  const real = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const image = (window as unknown as { scanImage?: string }).scanImage;
    if (constraints?.audio !== false || image === undefined) return real(constraints);
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 360;
    const context = canvas.getContext('2d')!;
    const picture = new Image();
    picture.src = image;
    await picture.decode();
    const draw = () => {
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(picture, 80, 20, 320, 320);
    };
    draw();
    setInterval(draw, 100);
    return canvas.captureStream(10);
  };
};

/** Holds the QR code of `code` up to Alice's camera. */
async function showToCamera(page: Page, code: string): Promise<void> {
  const image = await QRCode.toDataURL(code, { errorCorrectionLevel: 'M', margin: 4, width: 320 });
  await page.evaluate((url) => {
    (window as unknown as { scanImage?: string }).scanImage = url;
  }, image);
}

const digits = (text: string | null) => (text ?? '').replace(/\D/gu, '');
const names = (page: Page) => page.locator('.room-person-name').allTextContents();

describe('verified devices in the room', () => {
  it('verifies side by side, keeps the badge for later meetings, and blocks on a changed key', async () => {
    const [olga, alice, bob] = (await Promise.all(
      ['Olga', 'Alice', 'Bob'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person, Person];
    const first = await startedMeeting(world.url, olga, [alice, bob], true, 'Verify');

    const page = await world.newPage({ initScripts: [scanCamera] });
    world.screenshotsOnFailure({ alice: page });
    await page.goto(`${world.url}/meetings/${first}/room`);
    await world.signIn(page, alice);
    await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    await page.locator('.security-code').waitFor();

    const bobStore = new MemoryStore();
    const bobLaptop = await sdk(bob, bobStore);
    await bobLaptop.join(first);
    await expect.poll(() => names(page), { timeout: 20_000 }).toContain('Bob');

    // 1. Side by side: Alice's fingerprint and Bob's, in groups to read aloud; Bob reads his.
    await page.getByRole('button', { name: 'Verify the device of Bob' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify Bob’s device' });
    await dialog.waitFor();
    const theirs = dialog.getByRole('region', { name: "Fingerprint: Bob's device" });
    expect(digits(await theirs.locator('code').textContent())).toBe(digits(bobLaptop.fingerprint));
    expect(await theirs.locator('.fingerprint-line').allTextContents()).toHaveLength(3);
    const ours = dialog.getByRole('region', { name: 'Fingerprint: This device (you)' });
    expect(digits(await ours.locator('code').textContent())).toHaveLength(60);
    // The QR code of this device's verification code is drawn for Bob to scan.
    const qr = dialog.getByLabel("QR code of this device's key, for Bob to scan");
    await expect.poll(() => qr.evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(100);
    await dialog.getByRole('button', { name: 'They match — mark verified' }).click();
    await expect
      .poll(() => dialog.getByRole('status').textContent())
      .toBe("Bob's device is verified in this browser.");
    await world.screenshot(page, 'room-verify-dialog.png');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const badge = page.getByLabel('Verified device of Bob');
    await badge.waitFor();
    await world.screenshot(page, 'room-verify-badge.png');

    // 2. A later meeting: the badge is there again (kept in this browser, not by the server).
    await page.getByRole('button', { name: 'Leave' }).click();
    bobLaptop.close();
    const bobAgain = await sdk(bob, bobStore);
    const second = await startedMeeting(world.url, olga, [alice, bob], true, 'Verify');
    await enter(page, second);
    const bobMeeting = await bobAgain.join(second);
    await expect.poll(() => names(page), { timeout: 20_000 }).toContain('Bob Verified');
    await badge.waitFor();

    // Scanning instead: Alice takes the mark away, and scans Bob's code with her camera. A code of
    // another key says it does not match and marks nothing; Bob's own code marks the device.
    await page.getByRole('button', { name: 'Verify the device of Bob' }).click();
    await dialog.getByRole('button', { name: 'Remove verification' }).click();
    await expect.poll(() => badge.count()).toBe(0);
    const impostor = await sdk(bob, new MemoryStore());
    impostor.close();
    const forged = JSON.parse(await bobAgain.verificationCode()) as Record<string, string>;
    forged.fingerprint = digits(impostor.fingerprint);
    await showToCamera(page, JSON.stringify(forged));
    await dialog.getByRole('button', { name: 'Scan Bob’s code' }).click();
    await expect
      .poll(() => dialog.getByRole('status').textContent(), { timeout: 20_000 })
      .toBe(
        "That code does not match: it carries another key than the one this browser sees for Bob's device. Do not trust it.",
      );
    expect(await badge.count()).toBe(0);
    await showToCamera(page, await bobAgain.verificationCode());
    await dialog.getByRole('button', { name: 'Scan Bob’s code' }).click();
    await expect
      .poll(() => dialog.getByRole('status').textContent(), { timeout: 20_000 })
      .toBe("The code matches: Bob's device is verified in this browser.");
    await dialog.getByRole('button', { name: 'Close' }).click();
    await badge.waitFor();

    // 3. A device of Bob's that Alice's browser never saw: a second device, then a new one.
    const bobPhone = await sdk(bob);
    await bobPhone.join(second);
    await expect.poll(() => names(page), { timeout: 20_000 }).toContain('Bob — second device');
    await bobMeeting.leave();
    // With the laptop gone, the phone is a device new to this browser of someone it knew.
    await expect
      .poll(() => names(page), { timeout: 20_000 })
      .toEqual(['Alice (you)', 'Bob — new device']);
    await world.screenshot(page, 'room-verify-new-device.png');

    // 4. Bob's verified laptop comes back with another key under the same device id (the
    // directory row rewritten, as a server that lies would): a blocking warning, not a footnote.
    bobAgain.close();
    const identity = bobAgain.device.identity;
    const rekeyed = await createDevice(await createMlsCrypto(), identity);
    const db = new Database(join(world.dataDir, 'conclave.sqlite'), { fileMustExist: true });
    db.prepare('UPDATE devices SET signature_public_key = ? WHERE id = ?').run(
      Buffer.from(rekeyed.keyPair.publicKey).toString('base64'),
      identity.deviceId,
    );
    db.close();
    await bobStore.set(
      `device:${world.url}:${identity.tenantId}:${identity.userId}`,
      exportDevice(rekeyed),
    );
    const sameLaptop = await sdk(bob, bobStore);
    await expect(sameLaptop.join(second)).rejects.toMatchObject({ code: 'join_blocked' });
    const warning = page.getByRole('alertdialog', { name: 'A verified device’s key changed' });
    await warning.waitFor({ timeout: 20_000 });
    expect(await warning.locator('.key-change-text').textContent()).toBe(
      `Bob's device (device ${identity.deviceId}) that you verified has a new key, so this browser did not accept it and removed its verification. It may be a new installation — or someone else. Ask Bob, and compare the new fingerprint before verifying it again.`,
    );
    expect(digits(await warning.locator('code').textContent())).toBe(
      digits(sameLaptop.fingerprint),
    );
    // Modal: the room behind it cannot be used until it is acknowledged; no mere notice either.
    expect(await page.evaluate(() => document.querySelector('dialog:modal') !== null)).toBe(true);
    expect(await page.locator('.room-alert[data-kind="verified-key-changed"]').count()).toBe(0);
    await world.screenshot(page, 'room-verify-key-changed.png');
    await warning.getByRole('button', { name: 'I understand' }).click();
    await expect.poll(() => warning.count()).toBe(0);
    expect(await page.locator('[data-verified="true"]').count()).toBe(0);
  });
});
