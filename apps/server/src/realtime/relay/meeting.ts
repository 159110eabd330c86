// One meeting on the relay: its participants (by relay id) and the streams they send.
import type { Participant } from './participant.ts';
import { StreamRegistry } from './streams.ts';

export class Meeting {
  readonly participants = new Map<number, Participant>();
  readonly streams: StreamRegistry;

  constructor(
    readonly id: string,
    maxStreamsPerParticipant: number,
  ) {
    this.streams = new StreamRegistry(maxStreamsPerParticipant);
  }
}
