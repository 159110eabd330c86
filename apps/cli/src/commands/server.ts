// `conclave server start`, `conclave server rotate-secret-key` and `conclave admin bootstrap`: run
// the server in this process, re-seal its stored keys under a new secret key, and create an admin
// account offline.
import { Option } from 'commander';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { readStdin } from '../input/password.ts';
import { formatFields, printJson, printLines, progress } from '../output/print.ts';
import type { RunningServer, StartServerOptions } from '@conclave/server';
import { example } from './define.ts';

import { loadServer, nonEmpty, refusal, storageOptions } from './data-store.ts';
import { port as parsePort } from './parsers.ts';

interface StartFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  demo?: boolean;
  json?: boolean;
  tls?: 'self-signed';
  tlsCert?: string;
  tlsKey?: string;
}

interface RotateFlags {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

interface BootstrapFlags {
  email: string;
  password?: string;
  passwordStdin?: boolean;
  tenant?: string;
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

/** Flags win over the environment; what neither sets is left to the server's defaults. */
export function startOptions(flags: StartFlags, env: NodeJS.ProcessEnv): StartServerOptions {
  let port = flags.port;
  const envPort = nonEmpty(env.PORT);
  if (port === undefined && envPort !== undefined) {
    if (!/^\d+$/.test(envPort) || Number(envPort) > 65535) {
      throw new CliError('usage', `PORT=${envPort} is not a port number`);
    }
    port = Number(envPort);
  }
  const host = flags.host ?? nonEmpty(env.HOST);
  const dataDir = flags.dataDir ?? nonEmpty(env.CONCLAVE_DATA_DIR);
  const databaseUrl = flags.databaseUrl ?? nonEmpty(env.CONCLAVE_DATABASE_URL);
  const tls = tlsOption(flags);
  return {
    ...(tls === undefined ? {} : { tls }),
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(flags.demo === true ? { demo: true } : {}),
  };
}

/** --tls self-signed, or --tls-cert with --tls-key; otherwise the server reads the environment. */
function tlsOption(flags: StartFlags): StartServerOptions['tls'] {
  const files = flags.tlsCert !== undefined || flags.tlsKey !== undefined;
  if (flags.tls !== undefined && files) {
    throw new CliError(
      'usage',
      'give either --tls self-signed or --tls-cert and --tls-key, not both',
    );
  }
  if (flags.tls !== undefined) return flags.tls;
  if (!files) return undefined;
  if (flags.tlsCert === undefined || flags.tlsKey === undefined) {
    throw new CliError('usage', '--tls-cert and --tls-key go together (PEM files)');
  }
  return { certFile: flags.tlsCert, keyFile: flags.tlsKey };
}

export function registerServerCommands(program: Command): void {
  const server = program.command('server').description('run the Conclave server');
  example(server, 'conclave server start --port 8080');
  const start = storageOptions(
    server
      .command('start')
      .description('start the server; stops cleanly on Ctrl-C (SIGINT) or SIGTERM')
      .addOption(
        new Option('--port <n>', 'port to listen on, 0 for any free one (env PORT)').argParser(
          parsePort,
        ),
      )
      .option('--host <host>', 'address to listen on (env HOST)')
      .addOption(
        new Option(
          '--tls <mode>',
          'serve HTTPS with a certificate made for this machine (a LAN trial; prints its fingerprint)',
        ).choices(['self-signed']),
      )
      .option(
        '--tls-cert <file>',
        'serve HTTPS with this PEM certificate (env CONCLAVE_TLS_CERT; reloaded on change or SIGHUP)',
      )
      .option('--tls-key <file>', 'the PEM private key of --tls-cert (env CONCLAVE_TLS_KEY)')
      .option('--demo', 'seed a demo organization and print its sign-ins')
      .option('--json', 'print {"url", "firstAdmin"?} as JSON once listening'),
  ).action(startAction);
  example(
    start,
    'conclave server start --port 8080 --data-dir ./.data --demo',
    'conclave server start --host 0.0.0.0 --port 8443 --tls self-signed',
  );
  const rotate = storageOptions(
    server
      .command('rotate-secret-key')
      .description(
        're-seal every stored external-sender key under a new secret key (stop the server first); ' +
          'with CONCLAVE_SECRET_KEY set, the new key comes from CONCLAVE_NEW_SECRET_KEY',
      )
      .option('--json', 'print {"resealed", "keyId", "previousKeyId", "where"} as JSON'),
  ).action(rotateAction);
  example(rotate, 'conclave server rotate-secret-key --data-dir ./.data');

  const admin = program
    .command('admin')
    .description('offline administration of a server data store');
  example(admin, 'conclave admin bootstrap --email root@example.org');
  const bootstrap = storageOptions(
    admin
      .command('bootstrap')
      .description('create an admin account directly in the data store (server may be stopped)')
      .requiredOption('--email <email>', "the admin's email")
      .option(
        '--password <password>',
        'its password (visible in shell history; prefer --password-stdin)',
      )
      .option('--password-stdin', 'read its password from stdin')
      .option('--tenant <name>', 'the organization (created if new; default: the first one)')
      .option('--json', 'print the credentials as JSON'),
  ).action(bootstrapAction);
  example(bootstrap, 'conclave admin bootstrap --email root@example.org --data-dir ./.data');
}

async function startAction(flags: StartFlags): Promise<void> {
  const options = startOptions(flags, process.env);
  progress(flags, 'Starting the Conclave server…');
  const { startServer } = await loadServer();
  let running: RunningServer;
  try {
    running = await startServer({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    throw startFailure(error, options);
  }
  const stopped = waitForSignal();
  report(flags, running);
  const signal = await stopped;
  progress(flags, `Received ${signal}; stopping…`);
  await running.close();
  progress(flags, 'Stopped.');
}

function report(flags: StartFlags, running: RunningServer): void {
  if (flags.json === true) {
    printJson({
      url: running.url,
      ...(running.tls === undefined
        ? {}
        : {
            tls: {
              fingerprint256: running.tls.fingerprint256(),
              selfSigned: running.tls.selfSigned,
            },
          }),
      ...(running.firstAdmin === undefined ? {} : { firstAdmin: running.firstAdmin }),
      ...(running.demoSignIns === undefined ? {} : { demoSignIns: running.demoSignIns }),
    });
    return;
  }
  const lines = [`Conclave is running at ${running.url}`, ...tlsLines(running)];
  if (running.demoSignIns !== undefined) {
    // The demo's admin is also its first admin: one list says it all.
    const width = Math.max(...running.demoSignIns.map((signIn) => signIn.email.length));
    lines.push(
      '',
      'Demo organization created. Sign-ins (shown only this once):',
      ...running.demoSignIns.map(
        (signIn) => `  ${signIn.email.padEnd(width)}  ${signIn.password}  ${signIn.note}`,
      ),
    );
  } else if (running.firstAdmin !== undefined) {
    lines.push(
      '',
      'First admin created. These credentials are shown only this once:',
      ...formatFields([
        ['  email', running.firstAdmin.email],
        ['  password', running.firstAdmin.password],
      ]),
    );
  }
  if (running.firstAdmin !== undefined) {
    lines.push(
      `Sign in with: conclave sign-in --server ${running.url} --email ${running.firstAdmin.email}`,
    );
  }
  lines.push('', 'Press Ctrl-C to stop.');
  printLines(lines);
}

/** The certificate's fingerprint, so people can check what their browser shows. */
function tlsLines(running: RunningServer): string[] {
  if (running.tls === undefined) return [];
  const lines = ['', `TLS certificate SHA-256 fingerprint: ${running.tls.fingerprint256()}`];
  if (running.tls.selfSigned) {
    lines.push(
      'The certificate is self-signed: browsers warn once. Proceed only if the fingerprint they',
      `show matches this one. (Certificate file: ${running.tls.certFile})`,
    );
  }
  return lines;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second Ctrl-C while closing means "now": leave without waiting for connections.
      process.once('SIGINT', () => process.exit(130));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function startFailure(error: unknown, options: StartServerOptions): Error {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'EADDRINUSE') {
    return new CliError(
      'failed',
      `port ${options.port ?? '(default)'} is already in use; pick another with --port`,
      {
        cause: error,
      },
    );
  }
  // Only a refused listen is about the port: a refused file is named by the server's own error.
  if (code === 'EACCES' && (error as { syscall?: unknown }).syscall === 'listen') {
    return new CliError('failed', `not allowed to listen on port ${options.port ?? '(default)'}`, {
      cause: error,
    });
  }
  return refusal(error);
}

async function rotateAction(flags: RotateFlags): Promise<void> {
  const dataDir = flags.dataDir ?? nonEmpty(process.env.CONCLAVE_DATA_DIR);
  const databaseUrl = flags.databaseUrl ?? nonEmpty(process.env.CONCLAVE_DATABASE_URL);
  progress(flags, 'Opening the data store…');
  const { rotateSecretKey } = await loadServer();
  const rotated = await rotateSecretKey({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  }).catch((error: unknown) => {
    throw refusal(error);
  });
  if (flags.json === true) {
    printJson(rotated);
    return;
  }
  const fromFile = rotated.where !== 'CONCLAVE_SECRET_KEY';
  printLines([
    `Re-sealed ${rotated.resealed} external-sender key(s) under the new secret key (key id ${rotated.keyId}; was ${rotated.previousKeyId}).`,
    fromFile
      ? `The new key is in ${rotated.where}: back it up. Database backups made before now need the old key.`
      : 'Now set CONCLAVE_SECRET_KEY to the new key (the value of CONCLAVE_NEW_SECRET_KEY) wherever the server starts.',
  ]);
}

async function bootstrapAction(flags: BootstrapFlags): Promise<void> {
  if (flags.password !== undefined && flags.passwordStdin === true) {
    throw new CliError('usage', 'give the password with --password or --password-stdin, not both');
  }
  const password = flags.passwordStdin === true ? await readStdin() : flags.password;
  if (password === '') throw new CliError('usage', 'the password is empty');
  const dataDir = flags.dataDir ?? nonEmpty(process.env.CONCLAVE_DATA_DIR);
  const databaseUrl = flags.databaseUrl ?? nonEmpty(process.env.CONCLAVE_DATABASE_URL);
  progress(flags, 'Opening the data store…');
  const { bootstrapAdmin } = await loadServer();
  const created = await bootstrapAdmin({
    email: flags.email,
    ...(password === undefined ? {} : { password }),
    ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  }).catch((error: unknown) => {
    throw refusal(error);
  });
  if (flags.json === true) {
    printJson(created);
    return;
  }
  printLines([
    `Admin ${created.email} is ready.`,
    ...(password === undefined ? [`Password (shown only this once): ${created.password}`] : []),
    `Sign in with: conclave sign-in --email ${created.email}`,
  ]);
}
