// When the library takes two KeyPackages (or a KeyPackage and a leaf) for the same client — what
// refuses a commit that adds one client twice, or adds someone already in the group (RFC 9420
// §12.2): the same signature key, byte for byte, compared with an early exit (the keys are public).
import { describe, expect, it } from 'vitest';
import { AuthLog } from '../../src/mls/member/auth.ts';
import {
  clientConfig,
  KEY_PACKAGE_EQUALITY,
  KEY_RETENTION,
  refuseAllConfig,
} from '../../src/mls/member/state.ts';
import { World } from './world.ts';

type KeyPackage = Parameters<typeof KEY_PACKAGE_EQUALITY.compareKeyPackages>[0];
type LeafNode = Parameters<typeof KEY_PACKAGE_EQUALITY.compareKeyPackageToLeafNode>[1];

const keyPackage = (key: number[]) =>
  ({ leafNode: { signaturePublicKey: Uint8Array.from(key) } }) as unknown as KeyPackage;
const leaf = (key: number[]) =>
  ({ signaturePublicKey: Uint8Array.from(key) }) as unknown as LeafNode;

describe('KeyPackage equality', () => {
  const key = Array.from({ length: 32 }, (_, i) => i);
  const lastDiffers = [...key.slice(0, 31), 99];

  it('is the same client exactly when the signature keys are equal', () => {
    const equality = KEY_PACKAGE_EQUALITY;
    const compareKeyPackages = (a: KeyPackage, b: KeyPackage) => equality.compareKeyPackages(a, b);
    const compareKeyPackageToLeafNode = (a: KeyPackage, b: LeafNode) =>
      equality.compareKeyPackageToLeafNode(a, b);
    expect(compareKeyPackages(keyPackage(key), keyPackage([...key]))).toBe(true);
    expect(compareKeyPackages(keyPackage(key), keyPackage(lastDiffers))).toBe(false);
    expect(compareKeyPackages(keyPackage(key), keyPackage(key.slice(0, 31)))).toBe(false);
    expect(compareKeyPackageToLeafNode(keyPackage(key), leaf([...key]))).toBe(true);
    expect(compareKeyPackageToLeafNode(keyPackage(key), leaf(lastDiffers))).toBe(false);
    expect(compareKeyPackageToLeafNode(keyPackage(key), leaf([]))).toBe(false);
  });

  it('is what a member processes with (and what it keeps of past epochs)', async () => {
    const world = await World.create();
    const alice = await world.participant('alice');
    for (const config of [
      clientConfig(alice.ctx, new AuthLog()),
      clientConfig(alice.ctx, new AuthLog(), { acceptServer: true }),
      refuseAllConfig,
    ]) {
      expect(config.keyPackageEqualityConfig).toBe(KEY_PACKAGE_EQUALITY);
      expect(config.keyRetentionConfig).toBe(KEY_RETENTION);
    }
  });
});
