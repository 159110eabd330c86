// `conclave backup` and `conclave restore` as an operator runs them: an account made offline
// survives a backup and a restore into a new folder, where a server starts and it signs in; a
// second restore into the same folder is refused with a sentence and exit code 2.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '@conclave/server';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';

describe('conclave backup / restore', () => {
  it('backs up a data folder and restores it into a new one where the admin signs in', async () => {
    const work = await tempDir('backup');
    const config = await tempDir('backup-config');
    const original = join(work.path, 'original');
    const backupFolder = join(work.path, 'backup');
    const restored = join(work.path, 'restored');
    const password = 'correct horse battery staple 42';
    try {
      const bootstrap = await runCli(
        [
          'admin',
          'bootstrap',
          '--email',
          'root@example.org',
          '--password-stdin',
          '--data-dir',
          original,
        ],
        { configDir: config.path, stdin: password },
      );
      expect(bootstrap.code, bootstrap.stderr).toBe(0);

      const backup = await runCli(
        ['backup', '--data-dir', original, '--to', backupFolder, '--json'],
        { configDir: config.path },
      );
      expect(backup.code, backup.stderr).toBe(0);
      const manifest = parseJson<{ manifest: { rows: Record<string, number> } }>(backup).manifest;
      expect(manifest.rows.users).toBe(1);

      const human = await runCli(
        ['backup', '--data-dir', original, '--to', join(work.path, 'b2')],
        {
          configDir: config.path,
        },
      );
      expect(human.stdout).toContain('Backup written to');
      expect(human.stdout).toMatch(/secret key:\s+(included|not included)/);

      const restore = await runCli(['restore', backupFolder, '--data-dir', restored], {
        configDir: config.path,
      });
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toContain(
        `Start it with: conclave server start --data-dir ${restored}`,
      );

      const again = await runCli(['restore', backupFolder, '--data-dir', restored], {
        configDir: config.path,
      });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already holds a database');
      expect(again.stderr).not.toMatch(/\n\s+at |node_modules/);

      const server = await startServer({
        port: 0,
        dataDir: restored,
        log: () => undefined,
        webRoot: false,
      });
      try {
        const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'root@example.org', password }),
        });
        expect(signIn.status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await work.remove();
      await config.remove();
    }
  }, 60_000);
});
