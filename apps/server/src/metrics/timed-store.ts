// Times every repository call of a Store for /metrics, labelled `repo.method` (meetings.get): a
// closed set of operation kinds, never the arguments. Wrapping the store here keeps the storage
// code unaware of metrics. Work inside `transaction` runs on the driver's own transaction store
// and is timed as one `transaction` operation.
import type { Store } from '../storage/store.ts';
import type { Metrics } from './metrics.ts';

type AnyMethod = (...args: unknown[]) => unknown;

function timedRepo<R extends object>(repo: R, name: string, metrics: Metrics): R {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    const method = value as AnyMethod;
    const operation = `${name}.${key}`;
    wrapped[key] = (...args: unknown[]) => {
      const started = performance.now();
      const done = () => metrics.storeOperation(operation, (performance.now() - started) / 1000);
      const result = method.apply(repo, args);
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
  }
  return wrapped as R;
}

export function timedStore(store: Store, metrics: Metrics): Store {
  const timed: Record<string, unknown> = { ...store };
  for (const [key, value] of Object.entries(store)) {
    if (typeof value === 'object' && value !== null) timed[key] = timedRepo(value, key, metrics);
  }
  const methods = ['ping', 'transaction', 'close'] as const;
  for (const key of methods) {
    timed[key] = timedRepo({ [key]: (store[key] as AnyMethod).bind(store) }, 'store', metrics)[key];
  }
  return timed as unknown as Store;
}
