// The server's Prometheus metrics (docs/operations.md, "What to monitor"). One `Metrics` per
// running server with its own registry, so several servers in one process (the tests) never share
// counters. Labels are closed sets of codes (mode, reason, outcome, operation kind): never a user,
// device, meeting id or title. The realtime code calls the small methods below inline; counts the
// media relay already keeps are read only when Prometheus scrapes (`watchRelay`), so the per-frame
// path gains nothing.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayStats } from '../realtime/relay/types.ts';

/** Whether a room runs end-to-end encrypted (MLS) or with server-held media keys. */
export type MeetingMode = 'e2ee' | 'standard';
export type CommitOutcome = 'accepted' | 'rejected';

export interface LiveRoomCounts {
  meetings: Record<MeetingMode, number>;
  participants: Record<MeetingMode, number>;
}

const modes: readonly MeetingMode[] = ['e2ee', 'standard'];

export class Metrics {
  readonly registry = new Registry();
  private readonly joins: Counter<'mode'>;
  private readonly refusals: Counter<'reason'>;
  private readonly joinLatency: Histogram;
  private readonly epochs: Counter;
  private readonly commits: Counter<'outcome'>;
  private readonly storeDuration: Histogram<'operation'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.joins = new Counter({
      name: 'conclave_joins_total',
      help: 'Participants who joined a meeting or call, by mode.',
      labelNames: ['mode'],
      registers,
    });
    for (const mode of modes) this.joins.inc({ mode }, 0);
    this.refusals = new Counter({
      name: 'conclave_join_refusals_total',
      help: 'Joins refused, by reason code (governance refusal codes or signaling error codes).',
      labelNames: ['reason'],
      registers,
    });
    this.joinLatency = new Histogram({
      name: 'conclave_join_latency_seconds',
      help: 'From a join request reaching the server to the participant joined.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.epochs = new Counter({
      name: 'conclave_mls_epochs_total',
      help: 'MLS epochs reached (one per accepted commit).',
      registers,
    });
    this.commits = new Counter({
      name: 'conclave_mls_commits_total',
      help: 'MLS commits received, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['accepted', 'rejected'] as const) this.commits.inc({ outcome }, 0);
    this.storeDuration = new Histogram({
      name: 'conclave_store_operation_seconds',
      help: 'Database operations, by repository and method (for example meetings.get).',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }

  /**
   * A join the room let through admission ended: joined (counted, and its latency from
   * `requestedAt`, a `performance.now()` reading) or refused by the mode with a signaling code.
   */
  joinSettled(
    endToEndEncryption: boolean,
    outcome: { readonly kind: 'joined' } | { readonly kind: 'error'; readonly code: string },
    requestedAt: number,
  ): void {
    if (outcome.kind === 'error') {
      this.refusals.inc({ reason: outcome.code });
      return;
    }
    this.joins.inc({ mode: endToEndEncryption ? 'e2ee' : 'standard' });
    this.joinLatency.observe(Math.max(0, performance.now() - requestedAt) / 1000);
  }

  joinRefused(reason: string): void {
    this.refusals.inc({ reason });
  }

  commit(outcome: CommitOutcome): void {
    this.commits.inc({ outcome });
    if (outcome === 'accepted') this.epochs.inc();
  }

  storeOperation(operation: string, seconds: number): void {
    this.storeDuration.observe({ operation }, seconds);
  }

  /** Live meetings and participants by mode, read at each scrape. */
  watchRooms(count: () => LiveRoomCounts): void {
    const registers = [this.registry];
    new Gauge({
      name: 'conclave_meetings',
      help: 'Live meetings and calls on this server, by mode.',
      labelNames: ['mode'],
      registers,
      collect() {
        const counts = count();
        for (const mode of modes) this.set({ mode }, counts.meetings[mode]);
      },
    });
    new Gauge({
      name: 'conclave_participants',
      help: 'Connected participants on this server, by mode.',
      labelNames: ['mode'],
      registers,
      collect() {
        const counts = count();
        for (const mode of modes) this.set({ mode }, counts.participants[mode]);
      },
    });
  }

  /** The relay's own counters (relay/stats.ts) and receivers' queues, read at each scrape. */
  watchRelay(stats: () => RelayStats, queued: () => { largest: number; total: number }): void {
    watchRelayStats(this.registry, stats);
    const registers = [this.registry];
    new Gauge({
      name: 'conclave_relay_queued_bytes_largest',
      help: 'Bytes waiting in the fullest receiver socket queue now (back-pressure).',
      registers,
      collect() {
        this.set(queued().largest);
      },
    });
    new Gauge({
      name: 'conclave_relay_queued_bytes',
      help: 'Bytes waiting in all receiver socket queues now.',
      registers,
      collect() {
        this.set(queued().total);
      },
    });
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Counters that mirror a running total kept elsewhere: each scrape adds what grew since the last.
 * The relay's totals only grow, so the Prometheus counter stays monotonic.
 */
function mirroredCounter<L extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: readonly L[] },
  read: () => ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
): void {
  const seen = new Map<string, number>();
  new Counter<L>({
    ...config,
    registers: [registry],
    collect() {
      for (const [labels, total] of read()) {
        const key = JSON.stringify(labels);
        const grown = total - (seen.get(key) ?? 0);
        seen.set(key, total);
        if (grown >= 0) this.inc(labels, grown);
      }
    },
  });
}

function watchRelayStats(registry: Registry, stats: () => RelayStats): void {
  mirroredCounter(
    registry,
    {
      name: 'conclave_relay_frames_forwarded_total',
      help: 'Media frames the relay forwarded (one per receiver).',
      labelNames: [],
    },
    () => [[{}, stats().framesForwarded]],
  );
  mirroredCounter(
    registry,
    {
      name: 'conclave_relay_bytes_forwarded_total',
      help: 'Media bytes the relay forwarded.',
      labelNames: [],
    },
    () => [[{}, stats().bytesForwarded]],
  );
  mirroredCounter(
    registry,
    {
      name: 'conclave_relay_frames_dropped_total',
      help: 'Media frames the relay did not deliver to a receiver, by reason (soft_limit and hard_limit are back-pressure sheds).',
      labelNames: ['reason'],
    },
    () => Object.entries(stats().dropped).map(([reason, n]) => [{ reason }, n] as const),
  );
  mirroredCounter(
    registry,
    {
      name: 'conclave_relay_frames_rejected_total',
      help: 'Media frames the relay refused from their sender, by reason.',
      labelNames: ['reason'],
    },
    () => Object.entries(stats().rejected).map(([reason, n]) => [{ reason }, n] as const),
  );
}
