// A server in its own process, for the restart test: started on a data directory (or the
// PostgreSQL in CONCLAVE_TEST_DATABASE_URL), killed with SIGKILL, started again. Prints one JSON line ({ url, demoSignIns }) once it listens.
import { startServer } from '../../../src/index.ts';
import { fastPasswords } from '../../support/databases.ts';

const dataDir = process.env.CONCLAVE_TEST_DATA_DIR;
if (dataDir === undefined) throw new Error('CONCLAVE_TEST_DATA_DIR is not set');
const realtime = JSON.parse(process.env.CONCLAVE_TEST_REALTIME ?? '{}') as Record<string, number>;
const databaseUrl = process.env.CONCLAVE_TEST_DATABASE_URL;
const server = await startServer({
  port: 0,
  dataDir,
  ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }),
  demo: true,
  passwordCost: fastPasswords,
  log: () => undefined,
  realtime,
});
process.stdout.write(
  `${JSON.stringify({ url: server.url, demoSignIns: server.demoSignIns ?? [] })}\n`,
);
