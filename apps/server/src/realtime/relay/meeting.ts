// One meeting on the relay: its participants, by relay id (each owns the streams of its id).
import type { Participant } from './participant.ts';
import type { StreamRecord } from './streams.ts';
import { streamOwner } from './wire.ts';

export class Meeting {
  readonly participants = new Map<number, Participant>();

  constructor(readonly id: string) {}

  /** The stream `streamId` and the participant it belongs to, once it has carried a frame. */
  sentStream(streamId: number): { owner: Participant; stream: StreamRecord } | undefined {
    const assigned = streamOwner(streamId);
    if (assigned === undefined) return undefined;
    const owner = this.participants.get(assigned.relayId);
    const stream = owner?.streams.get(assigned.mediaKind);
    return owner === undefined || stream === undefined ? undefined : { owner, stream };
  }
}
