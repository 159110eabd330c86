// Row counts of every table of the database: written into a backup's manifest, compared after a
// restore. SQLite's own catalogue names the tables, so a table added by a later migration is
// counted without this file changing.
import type { SqlDb } from '../storage/sql.ts';

export async function tableRows(db: SqlDb): Promise<Record<string, number>> {
  const tables = await db.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const rows: Record<string, number> = {};
  for (const { name } of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) continue;
    const row = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${name}`);
    rows[name] = row?.n ?? 0;
  }
  return rows;
}

export async function schemaVersion(db: SqlDb): Promise<number> {
  const row = await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return row?.v ?? 0;
}
