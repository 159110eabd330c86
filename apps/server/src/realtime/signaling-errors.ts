// The `error` a room answers with: a stable code and a sentence a user may read (no internals).
import type { ServerMessage, SignalingErrorCode } from './signaling.ts';

export function signalingError(
  code: SignalingErrorCode,
  message: string = describe(code),
): ServerMessage {
  return { type: 'error', code, message };
}

function describe(code: SignalingErrorCode): string {
  switch (code) {
    case 'bad_commit':
      return 'The commit does not fit the group: it was not accepted.';
    case 'bad_mls_message':
      return 'The MLS message does not fit the group.';
    case 'not_allowed':
      return 'This message is not used in this kind of meeting.';
    case 'already_joined':
      return 'This socket is already in a meeting; leave it first.';
    case 'not_joined':
      return 'This socket is not in that meeting.';
    default:
      return 'The message was refused.';
  }
}
