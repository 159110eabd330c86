// Long work inside a room's queue hands the event loop back every so often. After a large commit
// the host signs hundreds of waiting proposals and sends each to every member: done in one
// synchronous stretch that held a 1,000-person meeting's node for ~13 s, long enough for the
// other nodes to take it for lost (no heartbeat) and for its sockets' pings to go unanswered.
// The room's queue keeps other tasks of the room out meanwhile; only I/O and timers get in.

/** Steps of long work between event-loop passes: a few tens of milliseconds at 1,000 members. */
export const STEPS_PER_PASS = 16;

/** Resolves on the event loop's next pass (after pending I/O), not as a microtask. */
export function nextPass(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Awaits the next pass before every `STEPS_PER_PASS`-th step (`step` counts from 0, so short work
 * never leaves the microtask queue and stays deterministic under a fake clock).
 */
export async function passEvery(step: number): Promise<void> {
  if (step > 0 && step % STEPS_PER_PASS === 0) await nextPass();
}
