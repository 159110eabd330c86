// Without a token or a port configured there are no metrics: /metrics is an unknown route (404).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from '../../src/index.ts';
import { fastPasswords } from '../support/databases.ts';

it('answers 404 at /metrics when neither CONCLAVE_METRICS_TOKEN nor CONCLAVE_METRICS_PORT is set', async () => {
  delete process.env.CONCLAVE_METRICS_TOKEN;
  delete process.env.CONCLAVE_METRICS_PORT;
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-metrics-off-'));
  const server = await startServer({
    port: 0,
    dataDir,
    passwordCost: fastPasswords,
    log: () => {},
    webRoot: false,
  });
  try {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const withToken = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer anything' },
    });
    expect(withToken.status).toBe(404);
    expect(server.metricsUrl).toBeUndefined();
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
