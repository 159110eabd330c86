// After a large commit the host signs every waiting proposal, and the signing is synchronous
// JavaScript (ts-mls over @noble/curves): done in one stretch it held a 1,000-person meeting's
// node for ~13 s — no heartbeat, no pong — and the others took it for lost. The work hands the
// event loop back every STEPS_PER_PASS proposals (../../src/realtime/event-loop.ts); this checks
// that the signing really does, by counting the event loop's passes while it runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMlsCrypto, generateExternalSender } from '@conclave/crypto/server';
import { STEPS_PER_PASS } from '../../src/realtime/event-loop.ts';
import { GroupRecord } from '../../src/realtime/mls/group-record.ts';
import { bootstrapAdmin } from '../../src/server.ts';
import { openStore } from '../../src/storage/open.ts';
import type { Store } from '../../src/storage/store.ts';
import { fastPasswords, sqliteDatabase, type TestDatabase } from '../support/databases.ts';
import { member } from '../support/group-members.ts';

let db: TestDatabase;
let store: Store;

beforeEach(async () => {
  db = sqliteDatabase();
  await bootstrapAdmin({ ...db.location, email: 'admin@example.org', passwordCost: fastPasswords });
  store = await openStore(db.location, Date.now);
});

afterEach(async () => {
  await store.close();
  await db.drop();
});

/** Counts event-loop passes (setImmediate turns) until stopped. */
function passCounter() {
  let passes = 0;
  let running = true;
  const pass = () => {
    passes++;
    if (running) setImmediate(pass);
  };
  setImmediate(pass);
  return {
    stop: () => {
      running = false;
      return passes;
    },
  };
}

describe('long work in a room hands the event loop back', () => {
  it('signs a backlog of proposals in stretches, not in one', async () => {
    const tenantId = (await store.tenants.first())!.id;
    const target = {
      tenantId,
      meetingId: 'm1',
      kind: 'meeting' as const,
      endToEndEncryption: true,
    };
    const crypto = await createMlsCrypto();
    const sender = await generateExternalSender(crypto, { tenantId, serverId: 'conclave' });
    const group = new GroupRecord(store, target, undefined);
    await group.found(undefined, Date.now());
    if (group.state.kind !== 'founding') throw new Error('not founding');
    await group.created({ participantId: 'p0', userId: 'u0', deviceId: 'd0' }, group.state.groupId);
    const leaving = 3 * STEPS_PER_PASS + 1;
    for (let i = 1; i <= leaving; i++) {
      const departing = member(i);
      group.members.set(departing.participantId, departing);
      await group.removeProposal(departing);
    }

    const counter = passCounter();
    const signed = await group.signPending(crypto, sender);
    const passes = counter.stop();

    expect(signed).toHaveLength(leaving);
    // One pass before each STEPS_PER_PASS-th proposal: three for 3 × STEPS_PER_PASS + 1.
    expect(passes).toBeGreaterThanOrEqual(3);
  });
});
