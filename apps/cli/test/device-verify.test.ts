// `conclave device verify|unverify`: the CLI's device marks another person's device verified only
// with the key it pinned for it (from an earlier `conclave join`); a wrong fingerprint, or a device
// it never saw, marks nothing and says why. The mark is kept in the CLI's device folder.
import { join } from 'node:path';
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { FileStore, nodeWebSocketFactory } from '@conclave/client/node';
import { identityKey } from '@conclave/crypto/member';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';
import { rest, signIn } from './helpers/rest.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let bobConfig: { path: string; remove: () => Promise<void> };
let alice: ConclaveClient;

async function user(adminToken: string, name: string) {
  const email = `${name}@verify.example.org`;
  const password = `${name}-password-123`;
  await rest(server.url, adminToken, 'POST', '/api/admin/users', {
    email,
    displayName: name,
    premium: true,
    password,
    mustChangePassword: false,
  });
  return { email, password };
}

beforeAll(async () => {
  server = await startTestServer();
  bobConfig = await tempDir('device-verify-bob');
  const adminToken = await signIn(server.url, server.firstAdmin.email, server.firstAdmin.password);
  const a = await user(adminToken, 'alice');
  const bob = await user(adminToken, 'bob');
  alice = await ConclaveClient.connect({
    server: server.url,
    auth: { token: await signIn(server.url, a.email, a.password) },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
  });
  const signedIn = await runCli(
    ['sign-in', '--server', server.url, '--email', bob.email, '--password-stdin'],
    { configDir: bobConfig.path, stdin: bob.password },
  );
  expect(signedIn.code).toBe(0);
});

afterAll(async () => {
  alice?.close();
  await server?.stop();
  await bobConfig?.remove();
});

describe('conclave device verify', () => {
  it('marks only the pinned key, keeps the mark in the device folder, and takes it away again', async () => {
    const device = alice.device.identity;
    const args = (fingerprint: string) => [
      'device',
      'verify',
      device.userId,
      device.deviceId,
      ...fingerprint.split(' '),
    ];
    const run = (a: string[]) => runCli(a, { configDir: bobConfig.path });

    // Never seen (no `conclave join` with Alice yet): nothing to verify against.
    const unseen = await run(args(alice.fingerprint));
    expect(unseen.code).toBe(2);
    expect(unseen.stderr).toContain('not the key this device saw for that device');

    // The key Bob's CLI pinned for Alice's device in a meeting (written as a join would).
    const store = new FileStore(join(bobConfig.path, 'device'));
    await store.set(`pin:${identityKey(device)}`, alice.device.keyPair.publicKey);
    const wrong = await run(args('12345 '.repeat(12).trim()));
    expect(wrong.code).toBe(2);
    expect(await store.get(`verified:${identityKey(device)}`)).toBeUndefined();

    const verified = await run([...args(alice.fingerprint), '--json']);
    expect(verified.code).toBe(0);
    expect(parseJson(verified)).toEqual({
      userId: device.userId,
      deviceId: device.deviceId,
      verified: true,
    });
    expect(await store.get(`verified:${identityKey(device)}`)).toEqual(
      alice.device.keyPair.publicKey,
    );

    const removed = await run(['device', 'unverify', device.userId, device.deviceId]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('is no longer marked verified');
    expect(await store.get(`verified:${identityKey(device)}`)).toBeUndefined();
  });
});
