// Durations on the command line, and waiting for one unless the user presses Ctrl-C.
import { InvalidArgumentError } from 'commander';

/** `--duration 2.5`: a positive number of seconds, at most a day. */
export function seconds(value: string): number {
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(parsed > 0) || parsed > 86_400) {
    throw new InvalidArgumentError('expected a number of seconds greater than 0.');
  }
  return parsed;
}

/**
 * Resolves after `ms`, at the first SIGINT/SIGTERM, or when `until` settles; with how long it
 * actually waited.
 */
export function waitOrInterrupt(ms: number, until?: Promise<unknown>): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(Date.now() - started);
    };
    const timer = setTimeout(done, ms);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    until?.then(done, done);
  });
}
