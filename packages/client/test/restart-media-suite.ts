// Media after the server is killed (SIGKILL) or stopped (SIGTERM) and started again ~3 s later
// on the same port and data: four SDK participants of an E2EE meeting keep publishing, reconnect
// by themselves and resume the same group — and the restarted server hands out relay ids in
// reconnect order, so old relay ids now belong to other people. Every sender→receiver pair must
// decrypt again within 5 s of the server answering /readyz (issue 16, item 1).
// restart-media.test.ts runs it on SQLite, restart-media.pg.test.ts on PostgreSQL.
import { describe, expect, it } from 'vitest';
import { until } from './support/people.ts';
import { RestartScenario, type RestartDatabase } from './support/restart-scenario.ts';

/** Fast retries, so a client is back within a moment of the server: this tests the binding. */
const reconnect = { maxAttempts: 200, baseDelayMs: 100, maxDelayMs: 400 };

export function defineRestartMediaSuite(name: string, database: () => Promise<RestartDatabase>) {
  describe(`media after a server restart on ${name}`, () => {
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      it(`every sender→receiver pair decrypts again within 5 s of /readyz after ${signal}`, async () => {
        const scenario = new RestartScenario(await database());
        try {
          await scenario.start();
          await scenario.joinAndPublish(reconnect);
          const meetings = scenario.meetings;
          await scenario.everyoneInTheGroup();
          const userIds = scenario.people.map((p) => p.userId);
          const relayBefore = new Map(meetings.map((m, i) => [m.relayId, userIds[i]]));
          const codeBefore = meetings[0]!.securityCode;

          // alice (relay id 1) comes back last, so her old relay id goes to somebody else.
          const ready = await scenario.restart(signal, { holdBack: 0 });
          await scenario.everyPairSince(ready, ready + 5_000 - Date.now());

          // Whatever was said stalled while bindings caught up is cleared once every pair plays.
          await until(
            meetings,
            () => meetings.every((m) => m.stats().stalledSenders.length === 0),
            10_000,
            'no sender left stalled',
          );
          // The fault really happened: old relay ids now belong to other people.
          const reassigned = meetings.filter((m, i) => {
            const before = relayBefore.get(m.relayId);
            return before !== undefined && before !== userIds[i];
          });
          expect(reassigned.length).toBeGreaterThan(0);
          // Same group, same epoch line: nobody rekeyed.
          expect(new Set(meetings.map((m) => m.securityCode))).toEqual(new Set([codeBefore]));
        } finally {
          await scenario.close();
        }
      });
    }
  });
}
