// When a group cannot go on, a new one is started for the people still waiting: the members are
// all gone for good (nobody could commit), or the participant asked to create the group left first.
import type { DeliveryHost, MlsJoinInfo } from './delivery-types.ts';
import { joinerOf } from './group.ts';
import type { GroupRecord } from './group-record.ts';

/** What re-founding needs from the delivery service. */
export interface Refounding {
  readonly group: GroupRecord;
  readonly host: DeliveryHost;
  now(): number;
  info(role: MlsJoinInfo['role']): MlsJoinInfo;
  stopTimers(): void;
}

/** The group has members but nobody left who could commit (all gone for good): start a new one. */
export async function refoundIfAbandoned(r: Refounding): Promise<void> {
  const { group, host } = r;
  if (group.state.kind !== 'active') return;
  const alive = [...group.members.values()].some(
    (m) =>
      group.pendingRemove(m) === undefined &&
      (m.grace !== undefined || host.isConnected(m.participantId)),
  );
  if (alive) return;
  const waiting = group.proposals.filter(
    (p) => p.kind === 'add' && !p.departed && host.isConnected(p.participantId),
  );
  r.stopTimers();
  await group.delete();
  const [first, ...rest] = waiting;
  if (first === undefined) return;
  await group.found(joinerOf(first), r.now());
  host.reannounce(first.participantId, r.info('create-group'));
  for (const p of rest) {
    p.flushed = undefined;
    p.attempts = 0;
    await group.keep(p);
    host.reannounce(p.participantId, r.info('await-welcome'));
  }
}

/** The participant asked to create the group left first: the next waiting joiner creates it. */
export async function promoteCreator(r: Refounding): Promise<void> {
  const { group, host } = r;
  const state = group.state;
  if (state.kind !== 'founding') return;
  const next = group.proposals.find(
    (p) => p.kind === 'add' && !p.departed && host.isConnected(p.participantId),
  );
  if (next === undefined) return;
  await group.drop(next);
  group.state = { ...state, creator: joinerOf(next) };
  host.reannounce(next.participantId, r.info('create-group'));
}
