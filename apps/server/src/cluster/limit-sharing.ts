// The sign-in limits' counts, told to every node (../http/shared-limits.ts) on `conclave.limits`.
// A node's own events come back to it too and are skipped: it counted them already.
import type { LimitEvent, LimitSharing } from '../http/shared-limits.ts';
import { decodeJson, encodeJson } from './json.ts';
import type { ClusterLink } from './link.ts';
import { subjects } from './subjects.ts';

const kinds = new Set(['hit', 'failure', 'reset']);

export function natsLimitSharing(
  link: ClusterLink,
  nodeId: string,
): LimitSharing & { close(): void } {
  const listeners: Array<(event: LimitEvent) => void> = [];
  const stop = link.subscribe(subjects.limits, (_subject, data) => {
    const event = decodeJson(data) as (LimitEvent & { from?: unknown }) | undefined;
    if (event === undefined || event.from === nodeId) return;
    if (typeof event.limiter !== 'string' || typeof event.key !== 'string') return;
    if (!kinds.has(event.kind)) return;
    const { limiter, kind, key } = event;
    for (const listener of listeners) listener({ limiter, kind, key });
  });
  return {
    publish: (event) => link.publish(subjects.limits, encodeJson({ ...event, from: nodeId })),
    subscribe: (listener) => void listeners.push(listener),
    close: stop,
  };
}
