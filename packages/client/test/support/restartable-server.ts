// A Conclave server in a process of its own that a test can kill (SIGKILL) or stop (SIGTERM) and
// start again on the same port and data: CONCLAVE_TEST_DATA_DIR, CONCLAVE_TEST_PORT (0: any) and
// CONCLAVE_TEST_DATABASE_URL (empty: SQLite in the data folder). Prints one JSON line
// ({ url, admin }) once it listens; `admin` only on the first start of a fresh database.
import { appendFileSync } from 'node:fs';
import { startServer } from '@conclave/server';

const dataDir = process.env.CONCLAVE_TEST_DATA_DIR;
if (dataDir === undefined) throw new Error('CONCLAVE_TEST_DATA_DIR is not set');
const databaseUrl = process.env.CONCLAVE_TEST_DATABASE_URL ?? '';
// A load run signs in hundreds of users from this one address: it may raise the per-address limit.
const perIp = Number(process.env.CONCLAVE_TEST_SIGN_INS_PER_ADDRESS ?? '0');
// A benchmark may keep the node's log (CONCLAVE_TEST_LOG_DIR) and run the product's own timers
// (CONCLAVE_TEST_PRODUCT_TIMERS=1) instead of the tests' short ones.
const logDir = process.env.CONCLAVE_TEST_LOG_DIR;
const logFile =
  logDir === undefined ? undefined : `${logDir}/${process.env.CONCLAVE_NODE_ID ?? 'node'}.log`;
const productTimers = process.env.CONCLAVE_TEST_PRODUCT_TIMERS === '1';
const server = await startServer({
  port: Number(process.env.CONCLAVE_TEST_PORT ?? '0'),
  host: '127.0.0.1',
  dataDir,
  ...(databaseUrl === '' ? {} : { databaseUrl }),
  passwordCost: { N: 1024, r: 8, p: 1 },
  log: logFile === undefined ? () => undefined : (line) => appendFileSync(logFile, `${line}\n`),
  ...(perIp > 0
    ? {
        signInLimits: {
          perIp: { limit: perIp, windowMs: 15 * 60_000 },
          perEmail: { limit: 10, windowMs: 15 * 60_000 },
        },
      }
    : {}),
  realtime: productTimers
    ? {}
    : { batchWindowMs: 20, commitTimeoutMs: 1_500, reconnectGraceMs: 10_000 },
});
process.stdout.write(`${JSON.stringify({ url: server.url, admin: server.firstAdmin })}\n`);
// What `conclave server start` does on SIGTERM: close (participants are told), then exit.
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
