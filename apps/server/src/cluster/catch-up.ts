// What the other nodes told while this node's NATS link was down never arrived: nothing in NATS
// is kept (docs/deploy.md, "What NATS carries"). When the link returns the node catches up from the
// database, where every such change was written first: each socket's session is checked now (a
// sign-out told meanwhile closes it, rather than at the next minute's check), everyone in its live
// E2EE meetings is checked against the rules again, and a meeting it hosts that ended meanwhile
// ends here too.
import type { RealtimeControl } from '../realtime/control.ts';
import type { Room } from '../realtime/room.ts';
import type { LiveSocket } from '../realtime/sockets.ts';
import type { MeetingRecord } from '../storage/records.ts';
import type { ClusterControl } from './control-bus.ts';

/** Only what the catch-up reads of each part of the node. */
export interface CatchUp {
  readonly meetings: {
    get(tenantId: string, meetingId: string): Promise<Pick<MeetingRecord, 'state'> | undefined>;
  };
  readonly rooms: { all(): readonly Pick<Room, 'target'>[] };
  readonly sockets: { all(): readonly Pick<LiveSocket, 'checkSession'>[] };
  /** This node's own control: the rules are checked again here, not told to every node. */
  readonly local: Pick<RealtimeControl, 'rulesChanged'>;
  /** The cluster's: a meeting this node hosts is ended here (its room, group and lease). */
  readonly control: Pick<ClusterControl, 'endMeeting'>;
}

export async function catchUp({
  meetings,
  rooms,
  sockets,
  local,
  control,
}: CatchUp): Promise<void> {
  await Promise.all(sockets.all().map((live) => live.checkSession()));
  const live = rooms.all();
  for (const tenantId of new Set(live.map((room) => room.target.tenantId)))
    await local.rulesChanged(tenantId, null);
  for (const { target } of live) {
    if (target.kind !== 'meeting') continue;
    const meeting = await meetings.get(target.tenantId, target.meetingId);
    if (meeting?.state === 'ended') await control.endMeeting(target.tenantId, target.meetingId);
  }
}
