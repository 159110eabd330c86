// Remembered verifications never change an answer: only exact bytes that verified are remembered,
// a failure is asked again every time, and any changed byte is verified afresh.
import { describe, expect, it } from 'vitest';
import type { Signature } from 'ts-mls';
import { createMlsCrypto } from '../../src/server.ts';
import { rememberingVerifies } from '../../src/mls/public/provider/verifiedSignatures.ts';

const enc = new TextEncoder();

function counting(inner: Signature): { signature: Signature; calls: () => number } {
  let calls = 0;
  return {
    signature: {
      ...inner,
      verify: (publicKey, message, sig) => {
        calls++;
        return inner.verify(publicKey, message, sig);
      },
    },
    calls: () => calls,
  };
}

describe('remembered signature verifications', async () => {
  const base = (await createMlsCrypto({ provider: 'node' })).impl.signature;
  const { signKey, publicKey } = await base.keygen();
  const message = enc.encode('leaf node to be signed');
  const signature = await base.sign(signKey, message);

  it('verifies once, then answers the same bytes from memory', async () => {
    const inner = counting(base);
    const remembering = rememberingVerifies(inner.signature);
    expect(await remembering.verify(publicKey, message, signature)).toBe(true);
    expect(await remembering.verify(publicKey, message, signature)).toBe(true);
    expect(inner.calls()).toBe(1);
  });

  it('refuses a changed message, signature or key even after the original verified', async () => {
    const inner = counting(base);
    const remembering = rememberingVerifies(inner.signature);
    expect(await remembering.verify(publicKey, message, signature)).toBe(true);
    const changedMessage = message.slice();
    changedMessage[0]! ^= 1;
    const changedSignature = signature.slice();
    changedSignature[10]! ^= 1;
    const other = (await base.keygen()).publicKey;
    expect(await remembering.verify(publicKey, changedMessage, signature)).toBe(false);
    expect(await remembering.verify(publicKey, message, changedSignature)).toBe(false);
    expect(await remembering.verify(other, message, signature)).toBe(false);
    // Length prefixes keep a shifted boundary between message and signature from colliding.
    const shifted = new Uint8Array([...message, ...signature.subarray(0, 1)]);
    expect(await remembering.verify(publicKey, shifted, signature.subarray(1))).toBe(false);
    expect(inner.calls()).toBe(5);
  });

  it('does not remember failures', async () => {
    const inner = counting(base);
    const remembering = rememberingVerifies(inner.signature);
    const bad = signature.slice();
    bad[0]! ^= 1;
    expect(await remembering.verify(publicKey, message, bad)).toBe(false);
    expect(await remembering.verify(publicKey, message, bad)).toBe(false);
    expect(inner.calls()).toBe(2);
  });

  it('is what the meeting providers use', async () => {
    for (const provider of ['node', 'noble'] as const) {
      const impl = (await createMlsCrypto({ provider })).impl.signature;
      expect(await impl.verify(publicKey, message, signature)).toBe(true);
      expect(await impl.verify(publicKey, enc.encode('other'), signature)).toBe(false);
    }
  });
});
