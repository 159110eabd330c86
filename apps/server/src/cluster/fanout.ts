// Media crosses to a gateway node once per frame, not once per receiver: the relay hands the same
// frame to each receiver's sink in one synchronous pass, so the host collects the connections of
// each gateway that a frame is for and, at the end of the pass, publishes the frame once with
// their list. The gateway fans it out to its sockets (./gateway-side.ts).
//
// Wire: u16 count, count × u32 connection numbers, then the frame as the relay forwards it.
import type { ClusterLink } from './link.ts';
import { subjects } from './subjects.ts';

interface Pending {
  readonly frame: Uint8Array;
  readonly conns: number[];
}

const MAX_CONNS = 0xffff;

export function encodeFanout(conns: readonly number[], frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + conns.length * 4 + frame.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, conns.length);
  conns.forEach((conn, i) => view.setUint32(2 + i * 4, conn));
  out.set(frame, 2 + conns.length * 4);
  return out;
}

export function decodeFanout(
  data: Uint8Array,
): { readonly conns: number[]; readonly frame: Uint8Array } | undefined {
  if (data.length < 2) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint16(0);
  const start = 2 + count * 4;
  if (data.length < start) return undefined;
  const conns: number[] = [];
  for (let i = 0; i < count; i++) conns.push(view.getUint32(2 + i * 4));
  return { conns, frame: data.subarray(start) };
}

/** The host's outgoing media, one batch per gateway node, flushed after the relay's pass. */
export class HostFanout {
  private readonly pending = new Map<string, Pending[]>();
  private scheduled = false;

  constructor(private readonly link: ClusterLink) {}

  send(gateway: string, conn: number, frame: Uint8Array): void {
    let batch = this.pending.get(gateway);
    if (batch === undefined) {
      batch = [];
      this.pending.set(gateway, batch);
    }
    const last = batch[batch.length - 1];
    if (last !== undefined && last.frame === frame && last.conns.length < MAX_CONNS)
      last.conns.push(conn);
    else batch.push({ frame, conns: [conn] });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    for (const [gateway, batch] of this.pending) {
      const subject = subjects.gatewayFanout(gateway);
      for (const { frame, conns } of batch) this.link.publish(subject, encodeFanout(conns, frame));
    }
    this.pending.clear();
  }
}
