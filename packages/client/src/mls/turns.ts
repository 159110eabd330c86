// Runs an MLS step when it is the device's turn, and times the step alone. Simulated devices
// sharing one thread (the load tool) take turns, so the time each step is measured to take is its
// own work — not everyone's interleaved — as it would be on a device of its own.
import type { Clock } from '../clock.ts';

/** A step's value and its own time in ms. */
export interface TimedValue<T> {
  readonly value: T;
  readonly ms: number;
}

/**
 * Runs a timed MLS step when it is this device's turn (`ConnectOptions.mlsTurns`). It may take out
 * of the step's time what was not the device's own work (the load tool: its shared heap's pauses).
 */
export type MlsTurns = <T>(step: () => Promise<TimedValue<T>>) => Promise<TimedValue<T>>;

/** `step` on its turn (at once without `turns`); `ms`: the step's own time, not the wait for it. */
export function timedStep<T>(
  clock: Pick<Clock, 'now'>,
  turns: MlsTurns | undefined,
  step: () => Promise<T>,
): Promise<TimedValue<T>> {
  const measured = async () => {
    const began = clock.now();
    const value = await step();
    return { value, ms: clock.now() - began };
  };
  return turns === undefined ? measured() : turns(measured);
}
