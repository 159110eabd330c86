// The live rooms of this server, by tenant and meeting id. A room exists while someone is in it
// (or may still resume into it); its durable part, the MLS group, lives in the database.
import type { JoinTarget } from './admission.ts';
import { Room, roomKey, type RoomDeps } from './room.ts';

export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private closed = false;

  constructor(private readonly deps: Omit<RoomDeps, 'onIdle'>) {}

  open(target: JoinTarget): Room {
    const key = roomKey(target.tenantId, target.meetingId);
    let room = this.rooms.get(key);
    if (room === undefined) {
      room = new Room(target, {
        ...this.deps,
        onIdle: (idle) => {
          if (this.rooms.get(idle.key) === idle) this.rooms.delete(idle.key);
          idle.close();
        },
      });
      this.rooms.set(key, room);
    }
    return room;
  }

  /** The meeting (or call) ended: its participants are let go and its group state deleted. */
  async end(tenantId: string, meetingId: string): Promise<void> {
    if (this.closed) return;
    const room = this.rooms.get(roomKey(tenantId, meetingId));
    if (room !== undefined) await room.end();
    else await this.deps.ctx.store.realtime.deleteGroup(tenantId, meetingId);
  }

  close(): void {
    this.closed = true;
    for (const room of this.rooms.values()) room.close();
    this.rooms.clear();
  }
}
