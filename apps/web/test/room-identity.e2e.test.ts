// Who is who in the meeting room, end to end (Chromium, the real server, headless SDK members):
// two people named "Dave" are told apart by their email; Dave's second device is marked in the
// roster and announced; a participant no organizer's signature admits is kept out of the group
// with a security alarm naming them; a device whose key changed is not accepted and the
// room says so. Nothing of this may be only a console line.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore, type Meeting } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { createDevice, createMlsCrypto, exportDevice } from '@conclave/crypto/member';
import {
  api,
  licensedPerson,
  signInToken,
  signInvitations,
  type Person,
} from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;
const clients: ConclaveClient[] = [];

beforeAll(async () => {
  world = await startRoomWorld('room-identity');
});

afterAll(async () => {
  for (const client of clients) client.close();
  await world?.close();
});

/** A headless participant's device: its own store (a device of its own) unless one is given. */
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

/** A second person whose display name is also "Dave". */
async function otherDave(): Promise<Person> {
  const email = 'dave.other@example.org';
  const password = 'password-other-dave-1234';
  const { user } = await api<{ user: { id: string } }>(
    world.url,
    world.adminToken,
    'POST',
    '/api/admin/users',
    { email, displayName: 'Dave', premium: true, password, mustChangePassword: false },
  );
  return {
    name: 'Dave',
    email,
    password,
    userId: user.id,
    token: await signInToken(world.url, email, password),
  };
}

const names = (page: Page) => page.locator('.room-person-name').allTextContents();
const alertText = (page: Page, kind: string) =>
  page.locator(`.room-alert[data-kind="${kind}"] .room-alert-text`).allTextContents();

describe('who is who in the room', () => {
  it('tells namesakes apart, marks a second device, and shows every refusal and key change', async () => {
    const [alice, dave, carol] = (await Promise.all(
      ['Alice', 'Dave', 'Carol'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person, Person];
    const dave2 = await otherDave();
    const { meeting } = await api<{ meeting: { id: string } }>(
      world.url,
      alice.token,
      'POST',
      '/api/meetings',
      {
        subject: 'Who is who',
        options: { endToEndEncryption: true },
        invitees: [dave.userId, dave2.userId, carol.userId],
      },
    );
    const meetingId = meeting.id;
    await signInvitations(world.url, alice, meetingId, [dave, dave2, carol]);
    await api(world.url, alice.token, 'POST', `/api/meetings/${meetingId}/start`);

    const alicePage = await world.newPage();
    world.screenshotsOnFailure({ alice: alicePage });
    // Alice's browser reads the meeting's admission list through this route: the test plays a
    // server that lets Carol in while it keeps from Alice the organizer's signature admitting her
    // (for the fourth step) — to Alice's browser, an Add no organizer admitted.
    let hideCarol = false;
    await alicePage.route('**/api/directory/admissions/**', async (route) => {
      const response = await route.fetch();
      const list = (await response.json()) as { signed: unknown[] };
      if (hideCarol) list.signed = [];
      await route.fulfill({ response, json: list });
    });
    await alicePage.goto(`${world.url}/meetings/${meetingId}/room`);
    await world.signIn(alicePage, alice);
    await alicePage.getByRole('button', { name: 'Join with camera and microphone' }).click();
    await alicePage.locator('.security-code').waitFor();

    // 1. Two Daves: each shows with their email, so the name alone never makes them alike.
    const daveStore = new MemoryStore();
    const daveLaptop = await sdk(dave, daveStore);
    const daveMeeting: Meeting = await daveLaptop.join(meetingId);
    await (await sdk(dave2)).join(meetingId);
    await expect
      .poll(() => names(alicePage), { timeout: 20_000 })
      .toEqual(
        expect.arrayContaining([
          'Alice (you)',
          'Dave (dave@example.org)',
          'Dave (dave.other@example.org)',
        ]),
      );
    expect(await alicePage.locator('.room-alert').count()).toBe(0);

    // 2. Dave's phone joins next to his laptop: marked in the roster and announced.
    const davePhone = await sdk(dave);
    await davePhone.join(meetingId);
    await expect
      .poll(() => names(alicePage), { timeout: 20_000 })
      .toContain('Dave (dave@example.org) — second device');
    await expect
      .poll(() => alertText(alicePage, 'new-device'))
      .toEqual([
        expect.stringContaining(
          'Dave (dave@example.org) — second device: Dave (dave@example.org) is also here on another device',
        ),
      ]);
    await world.screenshot(alicePage, 'room-identity-second-device.png');

    // 3. Dave's laptop comes back with another key under the same device id (the directory row
    // rewritten, as a compromised server would): Alice's browser pinned the old key, so it refuses
    // the device and shows the change.
    await daveMeeting.leave();
    daveLaptop.close();
    const crypto = await createMlsCrypto();
    const identity = daveLaptop.device.identity;
    const rekeyed = await createDevice(crypto, identity);
    const db = new Database(join(world.dataDir, 'conclave.sqlite'), { fileMustExist: true });
    db.prepare('UPDATE devices SET signature_public_key = ? WHERE id = ?').run(
      Buffer.from(rekeyed.keyPair.publicKey).toString('base64'),
      identity.deviceId,
    );
    db.close();
    await daveStore.set(
      `device:${world.url}:${identity.tenantId}:${identity.userId}`,
      exportDevice(rekeyed),
    );
    const sameLaptop = await sdk(dave, daveStore);
    expect(sameLaptop.device.identity.deviceId).toBe(identity.deviceId);
    await expect(sameLaptop.join(meetingId)).rejects.toMatchObject({ code: 'join_blocked' });
    await expect
      .poll(() => alertText(alicePage, 'key-changed'), { timeout: 20_000 })
      .toEqual([
        "Dave's device key changed since this browser last saw that device, so it was not accepted. Compare the new fingerprint with Dave before trusting it.",
      ]);

    await world.screenshot(alicePage, 'room-identity-key-changed.png');

    // 4. In a meeting of her own with Carol, a server that adds Carol while Alice's browser sees no
    // organizer's signature admitting her: it refuses the Add and raises the alarm.
    await alicePage.getByRole('button', { name: 'Leave' }).click();
    const { meeting: second } = await api<{ meeting: { id: string } }>(
      world.url,
      alice.token,
      'POST',
      '/api/meetings',
      { subject: 'Just us', options: { endToEndEncryption: true }, invitees: [carol.userId] },
    );
    await signInvitations(world.url, alice, second.id, [carol]);
    await api(world.url, alice.token, 'POST', `/api/meetings/${second.id}/start`);
    await alicePage.goto(`${world.url}/meetings/${second.id}/room`);
    await alicePage.getByRole('button', { name: 'Join with camera and microphone' }).click();
    await alicePage.locator('.security-code').waitFor();
    hideCarol = true;
    await expect((await sdk(carol)).join(second.id)).rejects.toMatchObject({
      code: 'join_blocked',
    });
    await expect
      .poll(() => alertText(alicePage, 'alarm'), { timeout: 20_000 })
      .toEqual([
        'The server tried to add a participant no organizer admitted: Carol. This device refused, and the meeting’s keys stay as they were.',
      ]);
    expect(await names(alicePage)).toEqual(['Alice (you)']);
    await world.screenshot(alicePage, 'room-identity-alarm.png');

    // Each notice can be dismissed.
    await alicePage.getByRole('button', { name: 'Dismiss: Security alarm (Carol)' }).click();
    await expect.poll(() => alertText(alicePage, 'alarm')).toEqual([]);
  });
});
