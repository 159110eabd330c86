// Runs the server alone (`npx tsx apps/server/src/main.ts [--demo]`), configured by PORT, HOST,
// CONCLAVE_DATA_DIR, CONCLAVE_DATABASE_URL, CONCLAVE_SECRET_KEY and CONCLAVE_ALLOWED_ORIGINS.
// `conclave server start` is the usual way.
import { ServerError } from './errors.ts';
import { credentialLines, startServer } from './server.ts';

const server = await startServer({ demo: process.argv.includes('--demo') }).catch(
  (error: unknown) => {
    // A refused start (a wrong secret key, a bad setting) is a sentence, not a stack trace.
    if (error instanceof ServerError) {
      process.stderr.write(`conclave: ${error.message} [${error.code}]\n`);
      process.exit(1);
    }
    throw error;
  },
);
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
