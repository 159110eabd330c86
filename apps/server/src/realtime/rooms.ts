// The live rooms of this server, by tenant and meeting id. A room exists while someone is in it
// (or may still resume into it); its durable part, the MLS group, lives in the database.
import type { LiveRoomCounts } from '../metrics/metrics.ts';
import type { JoinTarget } from './admission.ts';
import { Room, roomKey, type RoomDeps } from './room.ts';

export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private closed = false;
  private draining = false;
  /** A room closed because nobody is left in it (a cluster lets go of its lease). */
  onRoomClosed: (tenantId: string, meetingId: string) => void = () => undefined;

  constructor(private readonly deps: Omit<RoomDeps, 'onIdle'>) {}

  open(target: JoinTarget): Room {
    const key = roomKey(target.tenantId, target.meetingId);
    let room = this.rooms.get(key);
    if (room === undefined) {
      room = new Room(target, {
        ...this.deps,
        onIdle: (idle) => {
          if (this.rooms.get(idle.key) === idle) {
            this.rooms.delete(idle.key);
            this.onRoomClosed(idle.target.tenantId, idle.target.meetingId);
          }
          idle.close();
        },
      });
      this.rooms.set(key, room);
    }
    return room;
  }

  /** Shutting down: joins are refused (`server_restarting`) while the rooms settle. */
  get refusingJoins(): boolean {
    return this.draining || this.closed;
  }

  /**
   * The server is shutting down: no more joins; resolves when every room's queued work has run
   * and no commit is still awaited from a member, or after `timeoutMs`. Members keep their
   * leaves (the group is durable), so they resume once the server is back.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    await Promise.all([...this.rooms.values()].map((room) => room.settle(deadline)));
  }

  /** The live room of a meeting or call, if anyone is (or may resume) in it. */
  find(tenantId: string, meetingId: string): Room | undefined {
    return this.rooms.get(roomKey(tenantId, meetingId));
  }

  /** Live rooms and their connected participants by mode, for /metrics (no ids leave here). */
  liveCounts(): LiveRoomCounts {
    const counts: LiveRoomCounts = {
      meetings: { e2ee: 0, standard: 0 },
      participants: { e2ee: 0, standard: 0 },
    };
    for (const room of this.rooms.values()) {
      const mode = room.target.endToEndEncryption ? 'e2ee' : 'standard';
      counts.meetings[mode]++;
      counts.participants[mode] += room.roster().length;
    }
    return counts;
  }

  /** Every live room of this server. */
  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** The tenant's live rooms. */
  inTenant(tenantId: string): Room[] {
    return this.all().filter((room) => room.target.tenantId === tenantId);
  }

  /**
   * The meeting (or call) ended: its participants are let go, its group state deleted, and whom
   * the organizer removed forgotten (a new run admits them again).
   */
  async end(tenantId: string, meetingId: string): Promise<void> {
    if (this.closed) return;
    const room = this.rooms.get(roomKey(tenantId, meetingId));
    if (room !== undefined) await room.end();
    else await this.deps.ctx.store.realtime.deleteGroup(tenantId, meetingId);
    await this.deps.ctx.store.removals.clear(tenantId, meetingId);
  }

  /**
   * Another node hosts the meeting now (cluster/): the room here closes without ending the
   * meeting — its group stays in the database for the new host.
   */
  letGo(tenantId: string, meetingId: string): void {
    const key = roomKey(tenantId, meetingId);
    const room = this.rooms.get(key);
    if (room === undefined) return;
    this.rooms.delete(key);
    room.close();
  }

  close(): void {
    this.closed = true;
    for (const room of this.rooms.values()) room.close();
    this.rooms.clear();
  }
}
