// Shared test doubles for the relay: envelope builders and a sink whose queue the test controls.
import {
  decodeControl,
  decodeEnvelope,
  encodeEnvelope,
  streamIdOf,
  type MediaKind,
  type RelayControl,
} from '../../../../packages/protocol/src/media/index.ts';
import type { LeaveReason, RelayNotice, RelaySink } from '../../src/realtime/relay/index.ts';

export interface FrameSpec {
  sender: number;
  /** Default: the sender's own stream of the frame's kind (`streamIdOf`). */
  streamId?: number;
  mediaKind?: MediaKind;
  keyFrame?: boolean;
  seq?: number;
  size?: number;
}

/** An envelope whose SFrame bytes are opaque filler starting with `seq` (u32). */
export function frame(spec: FrameSpec): Uint8Array {
  const mediaKind = spec.mediaKind ?? 'camera';
  const size = spec.size ?? 64;
  const seq = spec.seq ?? 0;
  const payload = new Uint8Array(Math.max(size, 4));
  new DataView(payload.buffer).setUint32(0, seq);
  for (let i = 4; i < payload.length; i++) payload[i] = (seq * 31 + i) & 0xff;
  return encodeEnvelope(
    {
      mediaKind,
      keyFrame: spec.keyFrame ?? false,
      layer: 0,
      streamId: spec.streamId ?? streamIdOf(spec.sender, mediaKind),
      sender: spec.sender,
      timestampUs: seq * 33_333,
    },
    payload,
  );
}

/** The `seq` a frame built by `frame` carries, or undefined for anything else. */
export function seqOf(bytes: Uint8Array): number | undefined {
  const decoded = decodeEnvelope(bytes);
  if (decoded.kind !== 'ok') return undefined;
  const p = decoded.payload;
  return new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(0);
}

export function controlOf(bytes: Uint8Array): RelayControl | undefined {
  const decoded = decodeControl(bytes);
  return decoded.kind === 'ok' ? decoded.control : undefined;
}

/**
 * A sink that records what it is given. `stalled` makes it keep everything queued, like a
 * receiver that stopped reading; `bufferedAmount` can also be set directly.
 */
export class FakeSink implements RelaySink {
  readonly sent: Uint8Array[] = [];
  readonly notices: RelayNotice[] = [];
  readonly closes: LeaveReason[] = [];
  bufferedAmount = 0;
  stalled = false;

  send(bytes: Uint8Array): void {
    if (this.closes.length > 0) throw new Error('send after close');
    this.sent.push(bytes);
    if (this.stalled) this.bufferedAmount += bytes.length;
  }

  notify(notice: RelayNotice): void {
    if (this.closes.length > 0) throw new Error('notice after close');
    this.notices.push(notice);
  }

  close(reason: LeaveReason): void {
    this.closes.push(reason);
  }

  frames(): Uint8Array[] {
    return this.sent.filter((bytes) => decodeEnvelope(bytes).kind === 'ok');
  }

  controls(): RelayControl[] {
    return this.notices;
  }
}
