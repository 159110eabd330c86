// Stand-in members and commit plans for the tests that drive a meeting's group record or store
// directly (no sockets, no MLS members): member n sits at leaf n.
import type { CommitPlan } from '../../src/realtime/mls/commit-plan.ts';
import type { Member } from '../../src/realtime/mls/group.ts';

export const member = (n: number): Member => ({
  participantId: `p${n}`,
  userId: `u${n}`,
  deviceId: `d${n}`,
  leafIndex: n,
  confirmed: true,
  grace: undefined,
});

/** The commit of `epoch` that adds `joiners` and nothing else. */
export const joiningPlan = (epoch: bigint, ...joiners: Member[]): CommitPlan => ({
  epoch,
  next: epoch + 1n,
  covered: [],
  removed: [],
  joined: joiners,
  turnedAway: [],
  again: [],
  done: [],
});
