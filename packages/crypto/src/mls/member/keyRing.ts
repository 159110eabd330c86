// Hands the current epoch's SFrame base key to the epoch key ring (keys/), the one step every
// client repeats after joining and after each commit.
import { epoch, exportSFrameBaseKey, ownLeafIndex } from './keys.ts';
import type { MeetingState } from './state.ts';

/** The part of the key ring this needs (structural, so mls/ does not depend on keys/). */
export interface EpochKeySink {
  setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending?: 'now' | 'later',
  ): Promise<void>;
}

/** `sending`: whether senders use the epoch at once or when told (EpochKeyRing's SendSwitch). */
export async function syncKeyRing(
  ring: EpochKeySink,
  state: MeetingState,
  sending: 'now' | 'later' = 'now',
): Promise<void> {
  const baseKey = await exportSFrameBaseKey(state);
  try {
    await ring.setEpoch(epoch(state), baseKey, ownLeafIndex(state), sending);
  } finally {
    baseKey.fill(0);
  }
}
