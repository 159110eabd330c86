// Membership changes that meet a database outage wait and are tried again, in order, until they go
// through (retried-in-order.ts); other failures are logged by code and dropped, never retried.
import { describe, expect, it } from 'vitest';
import { ServerError } from '../../src/errors.ts';
import type { LogFields } from '../../src/log.ts';
import { RetriedInOrder } from '../../src/realtime/retried-in-order.ts';
import { FakeClock } from './support/fake-clock.ts';

function world() {
  const clock = new FakeClock();
  let tail: Promise<void> = Promise.resolve();
  const lines: { message: string; fields?: LogFields }[] = [];
  const changes = new RetriedInOrder({
    clock,
    enqueue: (task) => {
      tail = tail.then(task);
    },
    log: {
      info: (message, fields) => lines.push({ message, ...(fields ? { fields } : {}) }),
      error: (message, fields) => lines.push({ message, ...(fields ? { fields } : {}) }),
    },
  });
  const settled = async () => {
    for (let i = 0; i < 5; i++) await tail;
  };
  return { clock, changes, lines, settled };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
  code: 'ECONNREFUSED',
});

describe('membership changes while the database is away', () => {
  it('wait, are tried again with growing pauses, and go through in the order they happened', async () => {
    const { clock, changes, lines, settled } = world();
    let databaseUp = false;
    const done: string[] = [];
    const change = (name: string) => () => {
      if (!databaseUp) return Promise.reject(refused);
      done.push(name);
      return Promise.resolve();
    };
    changes.add('left', change('carol left'));
    changes.add('removed', change('bob removed'));
    await settled();
    expect(done).toEqual([]);
    expect(changes.waiting).toBe(2);
    // A change made while the first waits queues behind it, not beside it.
    changes.add('timed-out', change('dave timed out'));
    clock.advance(250);
    await settled();
    clock.advance(500);
    await settled();
    expect(done).toEqual([]);
    databaseUp = true;
    clock.advance(1_000);
    await settled();
    expect(done).toEqual(['carol left', 'bob removed', 'dave timed out']);
    expect(changes.waiting).toBe(0);
    const waits = lines.filter((l) => l.message.includes('waits for the database'));
    expect(waits.map((l) => l.fields?.retryInMs)).toEqual([250, 500, 1_000]);
    expect(
      waits.every((l) => l.fields?.code === 'ECONNREFUSED' && l.fields.change === 'left'),
    ).toBe(true);
  });

  it('knows an outage already turned into 503 UNAVAILABLE, and logs the cause’s code', async () => {
    const { clock, changes, lines, settled } = world();
    let tries = 0;
    changes.add('left', () => {
      tries++;
      if (tries > 1) return Promise.resolve();
      return Promise.reject(new ServerError('UNAVAILABLE', 'away', { cause: refused }));
    });
    await settled();
    clock.advance(250);
    await settled();
    expect(tries).toBe(2);
    expect(lines[0]?.fields?.code).toBe('ECONNREFUSED');
  });

  it('logs any other failure by its code and moves on to the next change', async () => {
    const { changes, lines, settled } = world();
    const done: string[] = [];
    changes.add('removed', () => Promise.reject(new ServerError('CONFLICT', 'no such member')));
    changes.add('left', () => {
      done.push('next');
      return Promise.resolve();
    });
    await settled();
    expect(done).toEqual(['next']);
    expect(lines).toEqual([
      {
        message: 'realtime: membership change failed',
        fields: { change: 'removed', error: 'ServerError', code: 'CONFLICT' },
      },
    ]);
  });
});
