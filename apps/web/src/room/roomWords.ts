// What the room says when it cannot go on: why this visit ended, what the server refused, why a
// removal or a join failed — sentences a person reads, never an SDK code.
import { ClientError, type MediaKind } from '@conclave/client';

export const removedWords: Record<string, string> = {
  'meeting-ended': 'The meeting has ended.',
  'removed-from-group': 'You were removed from the encrypted group.',
  removed: 'You were removed from the meeting.',
  'removed-by-organizer': 'You were removed from this meeting by the organizer.',
  'signed-out': 'You were signed out.',
  'not-admitted': "Your organization's rules no longer allow you in this meeting.",
};

export const refusedWords: Record<MediaKind, string> = {
  audio:
    'The server is refusing your microphone: the others cannot hear you. Leave and join again.',
  camera: 'The server is refusing your camera: the others cannot see it. Leave and join again.',
  screen:
    'The server is refusing your screen share: the others cannot see it. Leave and join again.',
};

/** A removal that failed without the server's sentence: what the SDK's code means to a person. */
export function removalFailure(error: unknown): string {
  if (error instanceof ClientError && error.code === 'connection_failed')
    return 'The connection dropped before the removal was confirmed: check the participant list.';
  if (error instanceof ClientError && error.code === 'invalid_argument')
    return 'That participant is no longer listed, or is already being removed.';
  return 'The participant was not removed.';
}

export function failureSentence(error: unknown): string {
  if (error instanceof DOMException && error.name === 'NotAllowedError') {
    return 'The browser did not allow the camera and microphone. Allow them and join again.';
  }
  if (error instanceof DOMException && error.name === 'NotFoundError') {
    return 'No camera or microphone was found.';
  }
  if (error instanceof ClientError) {
    switch (error.code) {
      case 'connection_failed':
        return 'The meeting server cannot be reached.';
      case 'timeout':
        return 'Joining took too long. Try again.';
      case 'server_key_changed':
        return "The server's meeting key differs from the one this browser saw before, so the meeting was not joined.";
      case 'group_failed':
        return 'The end-to-end encrypted group could not be joined.';
      case 'not_authenticated':
        return 'The server did not accept this session or device.';
      default:
        return `The meeting could not be joined: ${error.message}.`;
    }
  }
  return 'The meeting could not be joined.';
}
