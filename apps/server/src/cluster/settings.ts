// Whether this server is one node of a cluster, and which: CONCLAVE_NATS_URL turns it on. A
// cluster keeps its shared state in PostgreSQL and talks over NATS; SQLite is one process's file,
// so a node on SQLite would silently be a meeting system of its own — refused at start.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ServerError } from '../errors.ts';

export interface ClusterOptions {
  /** nats://host:port (comma-separated for several). Default: $CONCLAVE_NATS_URL. */
  natsUrl?: string;
  /** This node's name in the cluster. Default: $CONCLAVE_NODE_ID, else host name + a suffix. */
  nodeId?: string;
}

export interface ClusterSettings {
  readonly natsServers: readonly string[];
  readonly nodeId: string;
}

/** A node id is one NATS subject token: letters, digits, dashes and underscores. */
const nodeIdShape = /^[A-Za-z0-9_-]{1,64}$/;

export function resolveClusterSettings(
  options: ClusterOptions | undefined,
  databaseUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ClusterSettings | undefined {
  const natsUrl = options?.natsUrl ?? env.CONCLAVE_NATS_URL;
  if (natsUrl === undefined || natsUrl === '') return undefined;
  if (databaseUrl === undefined || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ServerError(
      'INVALID_INPUT',
      'A cluster (CONCLAVE_NATS_URL) keeps its state in PostgreSQL: set CONCLAVE_DATABASE_URL to a postgres:// URL, or unset CONCLAVE_NATS_URL to run one server on SQLite.',
    );
  }
  const natsServers = natsUrl.split(',').map((url) => url.trim());
  if (natsServers.some((url) => !/^(nats|tls):\/\/[^\s/]+$/.test(url))) {
    throw new ServerError(
      'INVALID_INPUT',
      'CONCLAVE_NATS_URL must be nats://host:port (several separated by commas).',
    );
  }
  const nodeId = options?.nodeId ?? env.CONCLAVE_NODE_ID ?? defaultNodeId();
  if (!nodeIdShape.test(nodeId)) {
    throw new ServerError(
      'INVALID_INPUT',
      'CONCLAVE_NODE_ID may contain letters, digits, dashes and underscores (at most 64).',
    );
  }
  return { natsServers, nodeId };
}

/** Unique per process: a node restarted on the same machine is a new node to the others. */
function defaultNodeId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 40);
  return `${host}-${randomBytes(4).toString('hex')}`;
}
