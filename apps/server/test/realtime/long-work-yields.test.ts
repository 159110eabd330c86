// After a large commit the host signs every waiting proposal, and the signing is synchronous
// JavaScript (ts-mls over @noble/curves): done in one stretch it held a 1,000-person meeting's
// node for ~13 s — no heartbeat, no pong — and the others took it for lost. The work hands the
// event loop back every STEPS_PER_PASS proposals (../../src/realtime/event-loop.ts); this checks
// that the signing, and the sending of what was signed, really do, by counting the event loop's
// passes while they run.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMlsCrypto, generateExternalSender } from '@conclave/crypto/server';
import { createLogger } from '../../src/log.ts';
import { systemClock } from '../../src/realtime/clock.ts';
import { STEPS_PER_PASS } from '../../src/realtime/event-loop.ts';
import { DeliveryService } from '../../src/realtime/mls/delivery-service.ts';
import type { DeliveryHost } from '../../src/realtime/mls/delivery-types.ts';
import { GroupRecord } from '../../src/realtime/mls/group-record.ts';
import { MeetingGroupStore } from '../../src/realtime/mls/group-store.ts';
import { resolveRealtimeOptions } from '../../src/realtime/options.ts';
import { bootstrapAdmin } from '../../src/server.ts';
import { openStore } from '../../src/storage/open.ts';
import type { Store } from '../../src/storage/store.ts';
import { fastPasswords, sqliteDatabase, type TestDatabase } from '../support/databases.ts';
import { joiningPlan, member } from '../support/group-members.ts';

let db: TestDatabase;
let store: Store;
let tenantId: string;

beforeEach(async () => {
  db = sqliteDatabase();
  await bootstrapAdmin({ ...db.location, email: 'admin@example.org', passwordCost: fastPasswords });
  store = await openStore(db.location, Date.now);
  tenantId = (await store.tenants.first())!.id;
});

afterEach(async () => {
  await store.close();
  await db.drop();
});

/** Members leaving at once: the long work hands the loop back three times in between. */
const LEAVING = 3 * STEPS_PER_PASS + 1;

const meeting = (meetingId: string) => ({
  tenantId,
  meetingId,
  kind: 'meeting' as const,
  endToEndEncryption: true,
});

/** Counts event-loop passes (setImmediate turns) from now until stopped. */
function passCounter() {
  let passes = 0;
  let running = true;
  const pass = () => {
    passes++;
    if (running) setImmediate(pass);
  };
  setImmediate(pass);
  return {
    get passes() {
      return passes;
    },
    stop: () => {
      running = false;
      return passes;
    },
  };
}

describe('long work in a room hands the event loop back', () => {
  it('signs a backlog of proposals in stretches, not in one', async () => {
    const crypto = await createMlsCrypto();
    const sender = await generateExternalSender(crypto, { tenantId, serverId: 'conclave' });
    const group = new GroupRecord(store, meeting('m1'), undefined);
    await group.found(undefined, Date.now());
    if (group.state.kind !== 'founding') throw new Error('not founding');
    await group.created(member(0), group.state.groupId);
    for (let i = 1; i <= LEAVING; i++) {
      const departing = member(i);
      group.members.set(departing.participantId, departing);
      await group.removeProposal(departing);
    }

    const counter = passCounter();
    const signed = await group.signPending(crypto, sender);
    const passes = counter.stop();

    expect(signed).toHaveLength(LEAVING);
    // One pass before each STEPS_PER_PASS-th proposal: three for 3 × STEPS_PER_PASS + 1.
    expect(passes).toBeGreaterThanOrEqual(3);
  });

  it('sends a backlog of signed proposals to the members in stretches, not in one', async () => {
    const target = meeting('m2');
    // A stored group of 1 + LEAVING members at epoch 1, as a restarted host finds it.
    const stored = new MeetingGroupStore(store, target);
    await stored.found(new Uint8Array(16).fill(7), Date.now());
    await stored.created(member(0));
    const joiners = Array.from({ length: LEAVING }, (_, i) => member(i + 1));
    await stored.commit(joiningPlan(0n, ...joiners), 'commit-0', 10, Date.now());

    // Each proposal sent is stamped with the event-loop passes counted so far.
    const counter = passCounter();
    const proposalsSentAt: number[] = [];
    const host: DeliveryHost = {
      send: () => undefined,
      sendEach: (_ids, message) => {
        if (message.type === 'proposal') proposalsSentAt.push(counter.passes);
      },
      isConnected: () => false,
      enqueue: (task) => void Promise.resolve().then(task),
      retried: (_what, task) => void task(),
      turnAway: () => undefined,
      reannounce: () => undefined,
      groupCreated: () => Promise.resolve(),
      expel: () => Promise.resolve(),
    };
    const crypto = await createMlsCrypto();
    const service = await DeliveryService.open(target, {
      crypto,
      store,
      sender: await generateExternalSender(crypto, { tenantId, serverId: 'conclave' }),
      options: resolveRealtimeOptions({ batchWindowMs: 0 }),
      clock: systemClock(),
      host,
      log: createLogger(() => undefined),
    });
    try {
      for (let i = 1; i <= LEAVING; i++) await service.depart(`p${i}`, 'left');
      await vi.waitFor(() => expect(proposalsSentAt).toHaveLength(LEAVING), { timeout: 10_000 });
    } finally {
      counter.stop();
      service.close();
    }
    // The sending loop passes before every STEPS_PER_PASS-th proposal: the first and the last
    // were sent at least three passes apart (all in one pass without it).
    expect(proposalsSentAt.at(-1)! - proposalsSentAt[0]!).toBeGreaterThanOrEqual(3);
  });
});
