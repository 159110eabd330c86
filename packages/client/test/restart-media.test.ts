import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRestartMediaSuite } from './restart-media-suite.ts';

defineRestartMediaSuite('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'conclave-restart-media-'));
  return { dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
});
