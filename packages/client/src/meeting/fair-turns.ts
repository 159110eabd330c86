// Cooperative turns for every meeting in this process (or page). MLS work is CPU-bound and its
// promises resolve without waiting on I/O, so a backlog — the Welcome and commits after a join
// storm, or many meetings in one process as `conclave load` runs them — would otherwise run as
// one long chain of microtasks: no socket is read, no WebSocket ping answered, no timer fired and
// (in a browser) nothing painted until all of it is done. Measured with 200 participants in one
// process: the gaps grew past the server's 30 s liveness time-out and members were removed.
//
// So a task first takes a turn: while the current slice of work has lasted less than SLICE_MS it
// runs at once; past that, it waits for a new macrotask, and the event loop reads sockets and fires
// timers in between. Waiters resume in order, and the first callback of each new round starts a
// fresh slice, so no task starves and each round does about one slice of work.

const SLICE_MS = 25;

const now: () => number =
  typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

type Macrotask = (callback: () => void) => void;

/** setImmediate on Node; a MessageChannel message in browsers (not clamped like setTimeout). */
const macrotask: Macrotask = (() => {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return (callback) => void setImmediate(callback);
  }
  if (typeof MessageChannel === 'function') {
    const pending: (() => void)[] = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = () => pending.shift()?.();
    return (callback) => {
      pending.push(callback);
      channel.port2.postMessage(undefined);
    };
  }
  return (callback) => void setTimeout(callback, 0);
})();

let sliceStartedAt = now();
let freshSliceQueued = false;

/** Resolves when the caller may run its next piece of work. */
export function fairTurn(): Promise<void> | undefined {
  if (now() - sliceStartedAt < SLICE_MS) return undefined;
  return waitForNextRound();
}

async function waitForNextRound(): Promise<void> {
  do {
    if (!freshSliceQueued) {
      // Queued before this waiter, so it runs first in the next round and the waiters behind it
      // get a fresh slice.
      freshSliceQueued = true;
      macrotask(() => {
        freshSliceQueued = false;
        sliceStartedAt = now();
      });
    }
    await new Promise<void>((resolve) => macrotask(resolve));
  } while (now() - sliceStartedAt >= SLICE_MS);
}
