// A promise with its settle functions, that knows whether it settled: the meeting's "joined"
// signal, resolved by the first epoch or key and rejected by any failure before it.
import type { ClientError } from '../errors.ts';

export interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: ClientError): void;
  settled: boolean;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: ClientError) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A join nobody awaits must not become an unhandled rejection.
  promise.catch(() => undefined);
  const d: Deferred = {
    promise,
    settled: false,
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (error) => {
      d.settled = true;
      reject(error);
    },
  };
  return d;
}
