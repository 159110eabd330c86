// The one place that decides which mode a room runs in: the meeting's E2EE setting.
import type { RoomMode, RoomModeDeps, RoomSide } from './room-mode.ts';
import { E2eeMode } from './e2ee-mode.ts';
import { StandardMode } from './standard-mode.ts';

export type {
  Attach,
  JoinCheck,
  ModeMessage,
  RoomMode,
  RoomModeDeps,
  RoomSide,
} from './room-mode.ts';

export function createRoomMode(room: RoomSide, deps: RoomModeDeps): RoomMode {
  return room.target.endToEndEncryption
    ? new E2eeMode(room, deps)
    : new StandardMode(room, deps.ctx.now);
}
