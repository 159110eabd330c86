// KeyPackages as the server sees them: verified and read without any group.
import { describe, expect, it } from 'vitest';
import { createDevice, generateKeyPackage } from '../../src/member.ts';
import { createMlsCrypto, inspectKeyPackage, keyFingerprint } from '../../src/server.ts';

describe('inspectKeyPackage', async () => {
  const crypto = await createMlsCrypto();
  const device = await createDevice(crypto, { tenantId: 'acme', userId: 'u1', deviceId: 'd1' });
  const now = Date.UTC(2026, 0, 1);
  const bundle = await generateKeyPackage(crypto, device, { now, lifetimeSeconds: 3600 });

  it('verifies and reads identity, suite, key and reference', async () => {
    const info = await inspectKeyPackage(crypto, bundle.publicBytes, { now });
    expect(info.identity).toEqual(device.identity);
    expect(info.cipherSuite).toBe(1);
    expect(keyFingerprint(info.signaturePublicKey)).toBe(keyFingerprint(device.keyPair.publicKey));
    expect(info.ref).toEqual(bundle.ref);
  });

  it('refuses a KeyPackage outside its lifetime', async () => {
    await expect(
      inspectKeyPackage(crypto, bundle.publicBytes, { now: now + 2 * 3600_000 }),
    ).rejects.toMatchObject({ code: 'bad_key' });
    await expect(
      inspectKeyPackage(crypto, bundle.publicBytes, { now: now - 2 * 3600_000 }),
    ).rejects.toMatchObject({ code: 'bad_key' });
  });

  it('refuses another kind of message and a broken signature', async () => {
    await expect(
      inspectKeyPackage(crypto, Uint8Array.of(0, 1, 0, 3, 0, 1), { now }),
    ).rejects.toMatchObject({ code: 'wrong_kind' });
    const broken = bundle.publicBytes.slice();
    broken[broken.length - 1]! ^= 0x80;
    await expect(inspectKeyPackage(crypto, broken, { now })).rejects.toMatchObject({
      code: 'bad_signature',
    });
  });

  it('is the same verdict with every provider', async () => {
    for (const provider of ['noble', 'library-default'] as const) {
      const other = await createMlsCrypto({ provider });
      await expect(inspectKeyPackage(other, bundle.publicBytes, { now })).resolves.toMatchObject({
        identity: device.identity,
      });
    }
  });
});
