import { EpochKeyRing, nodeCryptoBackend } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { SenderSwitch } from '../src/meeting/sender-switch.ts';
import { ManualClock } from './support/manual-clock.ts';

const key = (n: number) => new Uint8Array(16).fill(n);

async function setUp(boundMs = 1_000) {
  const clock = new ManualClock();
  const ring = new EpochKeyRing({ backend: nodeCryptoBackend(), now: () => clock.now() });
  const tasks: Promise<void>[] = [];
  const switcher = new SenderSwitch({
    boundMs,
    ring: () => ring,
    later: (ms, task) => void clock.setTimeout(() => tasks.push(task()), ms),
  });
  await ring.setEpoch(1n, key(1), 0);
  switcher.entered(1n, false);
  const enter = async (epoch: bigint, wait: boolean) => {
    await ring.setEpoch(epoch, key(Number(epoch)), 0, wait ? 'later' : 'now');
    switcher.entered(epoch, wait);
  };
  const advance = async (ms: number) => {
    await clock.advance(ms);
    await Promise.all(tasks.splice(0));
  };
  return { ring, switcher, enter, advance };
}

describe('when senders move to a new epoch', () => {
  it('on the server’s confirmation, or after the bound without it', async () => {
    const { ring, switcher, enter, advance } = await setUp();
    await enter(2n, true);
    expect(ring.currentEpoch).toBe(1n);
    await switcher.confirmed(2n);
    expect(ring.currentEpoch).toBe(2n);
    await enter(3n, true);
    await advance(999);
    expect(ring.currentEpoch).toBe(2n);
    await advance(1);
    expect(ring.currentEpoch).toBe(3n);
    expect(switcher.counts).toEqual({ confirmed: 1, bound: 1, atOnce: 1 });
  });

  it('epochs coming faster than the bound do not push it back', async () => {
    const { ring, enter, advance } = await setUp();
    for (const epoch of [2n, 3n, 4n, 5n]) {
      await enter(epoch, true);
      await advance(300);
    }
    // 1.2 s after epoch 2: senders are on the newest epoch, not still waiting on epoch 1.
    expect(ring.currentEpoch).toBe(5n);
  });

  it('a confirmation of an older epoch moves as far as it; one of a newer epoch no further than ours', async () => {
    const { ring, switcher, enter } = await setUp();
    await enter(2n, true);
    await enter(3n, true);
    await switcher.confirmed(2n);
    expect(ring.currentEpoch).toBe(2n);
    await switcher.confirmed(7n);
    expect(ring.currentEpoch).toBe(3n);
  });

  it('an epoch that removed someone is used at once, and ends any wait', async () => {
    const { ring, switcher, enter, advance } = await setUp();
    await enter(2n, true);
    await enter(3n, false);
    expect(ring.currentEpoch).toBe(3n);
    await advance(2_000);
    await switcher.confirmed(2n);
    expect(ring.currentEpoch).toBe(3n);
    expect(switcher.counts).toEqual({ confirmed: 0, bound: 0, atOnce: 2 });
  });
});
