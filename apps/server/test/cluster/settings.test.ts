// A cluster is chosen by CONCLAVE_NATS_URL and needs PostgreSQL; without a NATS URL the server runs
// alone exactly as before. A node on SQLite would be a meeting system of its own: refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveClusterSettings } from '../../src/cluster/settings.ts';
import { startServer } from '../../src/server.ts';

const pgUrl = 'postgres://db.example:5432/conclave';

describe('cluster settings', () => {
  it('are absent without a NATS URL: one server, as before', () => {
    expect(resolveClusterSettings(undefined, undefined, {})).toBeUndefined();
    expect(resolveClusterSettings(undefined, pgUrl, { CONCLAVE_NATS_URL: '' })).toBeUndefined();
  });

  it('take the NATS servers and node id from the environment', () => {
    const settings = resolveClusterSettings(undefined, pgUrl, {
      CONCLAVE_NATS_URL: 'nats://10.0.0.1:4222, nats://10.0.0.2:4222',
      CONCLAVE_NODE_ID: 'node-1',
    });
    expect(settings).toEqual({
      natsServers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'],
      nodeId: 'node-1',
    });
  });

  it('give each process its own node id by default', () => {
    const env = { CONCLAVE_NATS_URL: 'nats://127.0.0.1:4222' };
    const one = resolveClusterSettings(undefined, pgUrl, env)?.nodeId;
    const two = resolveClusterSettings(undefined, pgUrl, env)?.nodeId;
    expect(one).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(one).not.toBe(two);
  });

  it('refuse SQLite, a bad NATS URL and a node id that is not one subject token', () => {
    const nats = { CONCLAVE_NATS_URL: 'nats://127.0.0.1:4222' };
    expect(() => resolveClusterSettings(undefined, undefined, nats)).toThrow(/PostgreSQL/);
    expect(() =>
      resolveClusterSettings(undefined, pgUrl, { CONCLAVE_NATS_URL: 'http://x' }),
    ).toThrow(/nats:\/\/host:port/);
    expect(() =>
      resolveClusterSettings(undefined, pgUrl, { ...nats, CONCLAVE_NODE_ID: 'a.b' }),
    ).toThrow(/CONCLAVE_NODE_ID/);
  });

  it('stop a server started with NATS on SQLite before it opens anything, with a sentence', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'conclave-cluster-sqlite-'));
    try {
      const refused = await startServer({
        port: 0,
        dataDir,
        webRoot: false,
        cluster: { natsUrl: 'nats://127.0.0.1:4222' },
      }).then(
        () => undefined,
        (error: unknown) => error as { code?: string; message?: string },
      );
      expect(refused?.code).toBe('INVALID_INPUT');
      expect(refused?.message).toMatch(/keeps its state in PostgreSQL/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
