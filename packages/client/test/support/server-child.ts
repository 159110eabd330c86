// A Conclave server in a process of its own, for the test that searches the server's memory,
// database and logs for key material. Prints one JSON line ({ url, admin }) once it listens; its
// log lines go to stderr, where the test collects them.
import { startServer } from '@conclave/server';

const dataDir = process.env.CONCLAVE_TEST_DATA_DIR;
if (dataDir === undefined) throw new Error('CONCLAVE_TEST_DATA_DIR is not set');
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  passwordCost: { N: 1024, r: 8, p: 1 },
  realtime: { batchWindowMs: 20, commitTimeoutMs: 1_500 },
});
process.stdout.write(`${JSON.stringify({ url: server.url, admin: server.firstAdmin })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
