// Verified devices without a server: the store of marks (kept in the client's KeyValueStore, for
// exactly the key verified), the verification code a device shows as a QR code, and the checks
// that refuse a fingerprint or a code that is not the device's pinned key.
import { InMemoryPinStore, keyFingerprint, type MemberIdentity } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { DeviceVerification } from '../src/identity/device-verification.ts';
import {
  decodeVerificationCode,
  encodeVerificationCode,
  fingerprintLines,
} from '../src/identity/verification-code.ts';
import { revokingOnKeyChange, VerifiedDevices } from '../src/identity/verified-devices.ts';
import { MemoryStore } from '../src/store/key-value.ts';

const alice: MemberIdentity = { tenantId: 't1', userId: 'alice', deviceId: 'alice-laptop' };
const bob: MemberIdentity = { tenantId: 't1', userId: 'bob', deviceId: 'bob-phone' };
const aliceKey = new Uint8Array(32).fill(1);
const bobKey = new Uint8Array(32).fill(2);
const bobNewKey = new Uint8Array(32).fill(3);

function verificationOf(
  own: MemberIdentity,
  ownKey: Uint8Array,
  store = new MemoryStore(),
  pins = new InMemoryPinStore(),
) {
  const verified = new VerifiedDevices(store);
  return { verified, pins, verification: new DeviceVerification({ own, ownKey, pins, verified }) };
}

describe('the store of verified devices', () => {
  it('keeps a mark in the store, for the key verified only, and a new instance reads it', async () => {
    const store = new MemoryStore();
    const first = new VerifiedDevices(store);
    let changes = 0;
    first.onChange(() => changes++);
    await first.mark(bob, bobKey);
    expect(changes).toBe(1);
    expect(first.isVerified(bob, keyFingerprint(bobKey))).toBe(true);
    expect(first.isVerified(bob, keyFingerprint(bobNewKey))).toBe(false);
    expect(store.keys()).toEqual([expect.stringMatching(/^verified:/u)]);

    const later = new VerifiedDevices(store);
    // Not read yet: no answer from memory that the store was not asked for.
    expect(later.isVerified(bob, keyFingerprint(bobKey))).toBe(false);
    await later.load([bob, alice]);
    expect(later.isVerified(bob, keyFingerprint(bobKey))).toBe(true);
    expect(later.isVerified(alice, keyFingerprint(aliceKey))).toBe(false);
    expect(await later.unmark(bob)).toBe(true);
    expect(await later.unmark(bob)).toBe(false);
    expect(store.keys()).toEqual([]);
  });

  it('removes the mark of a device whose key changed, and remembers that it was verified', async () => {
    const store = new MemoryStore();
    const verified = new VerifiedDevices(store);
    await verified.mark(bob, bobKey);
    const changed = keyFingerprint(bobNewKey);
    const authenticator = revokingOnKeyChange(
      {
        authenticate: () =>
          Promise.resolve({
            kind: 'rejected',
            reason: 'key_changed',
            identity: bob,
            fingerprint: changed,
            pinnedFingerprint: keyFingerprint(bobKey),
          }),
      },
      verified,
    );
    const finding = await authenticator.authenticate(new Uint8Array(1), bobNewKey);
    expect(finding).toMatchObject({ kind: 'rejected', reason: 'key_changed' });
    expect(verified.wasVerified(bob, changed)).toBe(true);
    expect(verified.isVerified(bob, keyFingerprint(bobKey))).toBe(false);
    expect(store.keys()).toEqual([]);
    // Reported again (the same credential in the commit after its proposal): still "was verified".
    await authenticator.authenticate(new Uint8Array(1), bobNewKey);
    expect(verified.wasVerified(bob, changed)).toBe(true);
    // A device never verified: no such word.
    expect(await verified.revoke(alice, keyFingerprint(aliceKey))).toBe(false);
    expect(verified.wasVerified(alice, keyFingerprint(aliceKey))).toBe(false);
  });
});

describe('verifying a device', () => {
  it('marks the pinned key only: a wrong or malformed fingerprint, or an unseen device, is refused', async () => {
    const { pins, verification, verified } = verificationOf(alice, aliceKey);
    await expect(verification.verify(bob, keyFingerprint(bobKey))).rejects.toMatchObject({
      code: 'fingerprint_mismatch',
    });
    pins.set(bob, bobKey);
    await expect(verification.verify(bob, keyFingerprint(bobNewKey))).rejects.toMatchObject({
      code: 'fingerprint_mismatch',
    });
    await expect(verification.verify(bob, '12345 678')).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(verification.verify(alice, keyFingerprint(aliceKey))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(await verification.isVerified(bob)).toBe(false);
    // Read aloud, the spaces are the reader's: the digits are what count.
    await verification.verify(
      { userId: 'bob', deviceId: 'bob-phone' },
      keyFingerprint(bobKey).replace(/ /gu, ''),
    );
    expect(await verification.isVerified(bob)).toBe(true);
    expect(verified.isVerified(bob, keyFingerprint(bobKey))).toBe(true);
    // The pin moves on (the user accepted a new key): the old mark does not carry over.
    pins.set(bob, bobNewKey);
    expect(await verification.isVerified(bob)).toBe(false);
  });

  it('checks a scanned code on both sides before it marks the device', async () => {
    const aliceSide = verificationOf(alice, aliceKey);
    const bobSide = verificationOf(bob, bobKey);
    aliceSide.pins.set(bob, bobKey);
    bobSide.pins.set(alice, aliceKey);
    const bobsCode = await bobSide.verification.code(alice);
    expect(decodeVerificationCode(bobsCode)).toEqual({
      device: { userId: 'bob', deviceId: 'bob-phone', fingerprint: digits(bobKey) },
      sees: { userId: 'alice', deviceId: 'alice-laptop', fingerprint: digits(aliceKey) },
    });
    expect(await aliceSide.verification.checkCode(alice, bobsCode)).toEqual({
      kind: 'other-device',
    });
    expect(await aliceSide.verification.checkCode(bob, 'https://example.org')).toEqual({
      kind: 'not-a-code',
    });
    expect(await aliceSide.verification.isVerified(bob)).toBe(false);
    expect(await aliceSide.verification.checkCode(bob, bobsCode)).toEqual({ kind: 'verified' });
    expect(await aliceSide.verification.isVerified(bob)).toBe(true);

    // Someone in between shows Bob another key for Alice: Bob's code gives it away.
    const fooled = verificationOf(bob, bobKey);
    fooled.pins.set(alice, bobNewKey);
    const other = verificationOf(alice, aliceKey);
    other.pins.set(bob, bobKey);
    expect(await other.verification.checkCode(bob, await fooled.verification.code(alice))).toEqual({
      kind: 'your-key-differs',
    });
    // And a code carrying a key other than the one pinned for Bob.
    const impostor = verificationOf(bob, bobNewKey);
    expect(await other.verification.checkCode(bob, await impostor.verification.code())).toEqual({
      kind: 'their-key-differs',
    });
    expect(await other.verification.isVerified(bob)).toBe(false);
  });
});

describe('the verification code', () => {
  it('round-trips, refuses anything else with a typed error, and reads aloud in groups', () => {
    const code = {
      device: { userId: 'u', deviceId: 'd', fingerprint: keyFingerprint(bobKey) },
      sees: { userId: 'v', deviceId: 'e', fingerprint: digits(aliceKey) },
    };
    expect(decodeVerificationCode(encodeVerificationCode(code))).toEqual({
      device: { ...code.device, fingerprint: digits(bobKey) },
      sees: code.sees,
    });
    for (const bad of [
      'not json',
      '[]',
      '{"conclave-verify":2,"user":"u","device":"d","fingerprint":"1"}',
      `{"conclave-verify":1,"user":"","device":"d","fingerprint":"${digits(bobKey)}"}`,
      `{"conclave-verify":1,"user":"u","device":"d","fingerprint":"${digits(bobKey)}","sees":3}`,
      `{"conclave-verify":1,"user":"u","device":"d","fingerprint":"${'1'.repeat(59)}"}`,
      `{"conclave-verify":1,"user":"u","device":"d","fingerprint":"${digits(bobKey)}","x":"${'y'.repeat(3000)}"}`,
    ]) {
      expect(() => decodeVerificationCode(bad), bad.slice(0, 40)).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
    const lines = fingerprintLines(keyFingerprint(bobKey));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^[0-9]{5}( [0-9]{5}){3}$/u);
    expect(lines.join(' ')).toBe(keyFingerprint(bobKey));
  });
});

function digits(key: Uint8Array): string {
  return keyFingerprint(key).replace(/ /gu, '');
}
