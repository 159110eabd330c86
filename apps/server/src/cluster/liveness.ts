// Which nodes are alive: each node says so on `conclave.alive` twice a second; a node not heard
// for NODE_LOST_MS is lost. A node that stops on purpose says goodbye, so the others let go at
// once. What depends on a node (participants whose socket or room was there) is let go by the
// listeners of `lost` (./index.ts); nothing here decides who hosts a meeting — the database does.
import type { ClusterLink } from './link.ts';
import { decodeJson, encodeJson } from './json.ts';
import { ownStall } from '../realtime/silence.ts';

export const HEARTBEAT_MS = 500;
/**
 * Sixteen missed heartbeats. A host taken for lost hands its meetings to another node and every
 * participant rejoins, so a live host must never be: a host deciding a 700-person commit stalls
 * its event loop for seconds (measured on the 1,000-person run, where 3 s moved the meeting
 * mid-storm). Still short enough that a meeting whose host died waits only a few seconds more.
 */
export const NODE_LOST_MS = 8_000;
const ALIVE_SUBJECT = 'conclave.alive';

interface Heartbeat {
  node: string;
  leaving?: boolean;
}

export class NodeLiveness {
  private readonly lastHeard = new Map<string, number>();
  private readonly lostListeners: Array<(nodeId: string) => void> = [];
  private readonly startedAt: number;
  private lastSweep: number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly link: ClusterLink,
    private readonly nodeId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.lastSweep = this.startedAt;
    this.unsubscribe = link.subscribe(ALIVE_SUBJECT, (_subject, data) => {
      const beat = decodeJson(data) as Partial<Heartbeat> | undefined;
      if (typeof beat?.node !== 'string' || beat.node === nodeId) return;
      if (beat.leaving === true) this.lose(beat.node);
      else this.lastHeard.set(beat.node, this.now());
    });
    this.beat();
    this.timer = setInterval(() => {
      this.beat();
      this.sweep();
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Whether `nodeId` is alive as far as this node can tell. A node not heard yet counts as alive
   * while this node is younger than NODE_LOST_MS: it may simply not have heard it yet.
   */
  isAlive(nodeId: string): boolean {
    if (nodeId === this.nodeId) return this.link.up;
    const heard = this.lastHeard.get(nodeId);
    if (heard === undefined) return this.now() - this.startedAt < NODE_LOST_MS;
    return this.now() - heard <= NODE_LOST_MS;
  }

  /** The other nodes heard from and not lost, as far as this node can tell. */
  otherLiveNodes(): string[] {
    return [...this.lastHeard.keys()].filter((nodeId) => this.isAlive(nodeId));
  }

  onLost(listener: (nodeId: string) => void): void {
    this.lostListeners.push(listener);
  }

  /** Stops beating; `goodbye` tells the others first (a drain, not a crash). */
  close(goodbye: boolean): void {
    clearInterval(this.timer);
    if (goodbye) this.link.publish(ALIVE_SUBJECT, encodeJson({ node: this.nodeId, leaving: true }));
    this.unsubscribe();
  }

  private beat(): void {
    if (this.link.up) this.link.publish(ALIVE_SUBJECT, encodeJson({ node: this.nodeId }));
  }

  private sweep(): void {
    const now = this.now();
    // This node's own event loop stalled: heartbeats that came meanwhile are still unread, so the
    // silence is ours, not theirs. Everyone is given the stalled time back before being judged.
    const stalled = ownStall(now, this.lastSweep, HEARTBEAT_MS);
    this.lastSweep = now;
    if (stalled > 0) {
      for (const [node, heard] of this.lastHeard) this.lastHeard.set(node, heard + stalled);
    }
    for (const [node, heard] of this.lastHeard) {
      if (now - heard > NODE_LOST_MS) this.lose(node);
    }
  }

  private lose(nodeId: string): void {
    this.lastHeard.delete(nodeId);
    for (const listener of this.lostListeners) listener(nodeId);
  }
}
