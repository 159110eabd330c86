// Runs the server alone (`npx tsx apps/server/src/main.ts [--demo]`), configured by PORT, HOST,
// CONCLAVE_DATA_DIR and CONCLAVE_DATABASE_URL. `conclave server start` is the usual way.
import { credentialLines, startServer } from './server.ts';

const server = await startServer({ demo: process.argv.includes('--demo') });
for (const line of credentialLines(server)) process.stdout.write(`${line}\n`);
process.stdout.write(`Conclave is listening on ${server.url}\n`);
const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
