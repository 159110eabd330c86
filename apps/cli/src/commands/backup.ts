// `conclave backup` and `conclave restore`: the embedded SQLite store and its secret key file into
// a backup folder while the server runs, and a backup folder into a fresh data folder
// (docs/operations.md, "Backup and restore"). PostgreSQL is backed up with pg_dump.
import type { Command } from 'commander';
import { formatFields, printJson, printLines, progress } from '../output/print.ts';
import { example } from './define.ts';
import { loadServer, nonEmpty, refusal, storageOptions } from './data-store.ts';

interface BackupFlags {
  to: string;
  dataDir?: string;
  databaseUrl?: string;
  withoutSecretKey?: boolean;
  json?: boolean;
}

interface RestoreFlags {
  dataDir: string;
  json?: boolean;
}

export function registerBackupCommands(program: Command): void {
  const backup = storageOptions(
    program
      .command('backup')
      .description(
        'copy the data store (SQLite, online: the server may keep running) and its secret key into a new folder',
      )
      .requiredOption('--to <folder>', 'the backup folder to create (new or empty)')
      .option(
        '--without-secret-key',
        'leave the secret key file out (keep it elsewhere: a restore needs it)',
      )
      .option('--json', 'print the manifest as JSON'),
  ).action(backupAction);
  example(backup, 'conclave backup --data-dir ./.data --to /backups/conclave-2026-12-04');

  const restore = program
    .command('restore')
    .description('restore a backup folder into a new data folder, checking every file first')
    .argument('<backup-folder>', 'a folder made by conclave backup')
    .requiredOption('--data-dir <dir>', 'the data folder to restore into (must hold no database)')
    .option('--json', 'print {"dataDir", "manifest", "migrated"} as JSON')
    .action(restoreAction);
  example(restore, 'conclave restore /backups/conclave-2026-12-04 --data-dir ./.data-restored');
}

async function backupAction(flags: BackupFlags): Promise<void> {
  const dataDir = flags.dataDir ?? nonEmpty(process.env.CONCLAVE_DATA_DIR);
  const databaseUrl = flags.databaseUrl ?? nonEmpty(process.env.CONCLAVE_DATABASE_URL);
  progress(flags, 'Copying the database…');
  const { backupDataStore } = await loadServer();
  const summary = await backupDataStore({
    to: flags.to,
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(flags.withoutSecretKey === true ? { withoutSecretKey: true } : {}),
  }).catch((error: unknown) => {
    throw refusal(error);
  });
  if (flags.json === true) {
    printJson(summary);
    return;
  }
  const { manifest } = summary;
  printLines([
    `Backup written to ${summary.folder}`,
    ...formatFields([
      ['  taken at', manifest.createdAt],
      ['  schema version', String(manifest.schemaVersion)],
      ['  users', String(manifest.rows.users ?? 0)],
      ['  meetings', String(manifest.rows.meetings ?? 0)],
      ['  audit entries', String(manifest.rows.audit_log ?? 0)],
      [
        '  secret key',
        manifest.secretKey.included
          ? `included (key id ${manifest.secretKey.keyId})`
          : `not included: ${manifest.secretKey.reason}`,
      ],
    ]),
    'Keep the folder as private as the data folder: it holds the key that opens the stored keys.',
  ]);
}

async function restoreAction(folder: string, flags: RestoreFlags): Promise<void> {
  progress(flags, `Checking ${folder}…`);
  const { restoreDataStore } = await loadServer();
  const summary = await restoreDataStore({ from: folder, dataDir: flags.dataDir }).catch(
    (error: unknown) => {
      throw refusal(error);
    },
  );
  if (flags.json === true) {
    printJson(summary);
    return;
  }
  printLines([
    `Restored the backup of ${summary.manifest.createdAt} into ${summary.dataDir}`,
    ...(summary.migrated.length > 0
      ? [`Brought its schema up to date (migrations ${summary.migrated.join(', ')}).`]
      : []),
    ...(summary.manifest.secretKey.included
      ? []
      : [
          `The backup holds no secret key (${summary.manifest.secretKey.reason}): start the server with CONCLAVE_SECRET_KEY set to the key with id ${summary.manifest.secretKey.keyId ?? '(none)'}.`,
        ]),
    `Start it with: conclave server start --data-dir ${summary.dataDir}`,
  ]);
}
