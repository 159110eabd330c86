// `conclave audit`: the append-only record of who changed what and every E2EE decision (spec §7),
// a page at a time or, with --export, the whole filtered log as a CSV or JSON file.
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { unwrapList } from '../api/envelope.ts';
import { connect } from '../api/session.ts';
import type { AuditEntry } from '../api/types.ts';
import { emit } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { positiveInteger } from './parsers.ts';

interface AuditFlags extends ServerCommandFlags {
  limit?: number;
  kind?: string;
  before?: string;
  from?: string;
  to?: string;
  export?: 'csv' | 'json';
  output?: string;
}

/** A date (2026-12-01, midnight UTC) or a date and time with its zone, as the server wants it. */
function instant(value: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/u.test(value) ? `${value}T00:00:00Z` : value;
  if (Number.isNaN(Date.parse(text)) || !/(Z|[+-]\d{2}:\d{2})$/u.test(text)) {
    throw new InvalidArgumentError(
      'give a date (2026-12-01) or a date and time with its zone (2026-12-01T09:00:00+01:00)',
    );
  }
  return new Date(text).toISOString();
}

/** What `about` shows: the name, with the id it stands for. */
function about(entry: AuditEntry): string {
  if (entry.subject === '') return '';
  return entry.subjectName === undefined
    ? entry.subject
    : `${entry.subjectName} (${entry.subject})`;
}

/**
 * One line of details: reason codes first (what a help desk looks for), then every other value
 * as a dotted path (`changes.e2ee.to.maxParticipants=100`).
 */
export function summarizeDetails(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object') return JSON.stringify(details);
  const parts: string[] = [];
  const codes = collectReasonCodes(details);
  if (codes.length > 0) parts.push(`reasons: ${[...new Set(codes)].join(', ')}`);
  flatten(details, '', parts);
  return parts.join('; ');
}

function flatten(value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(`${path}=${String(value)}`);
    return;
  }
  if (Array.isArray(value)) {
    // Lists of objects are reasons (summarized above) or too big for one line.
    if (value.every((item) => item === null || typeof item !== 'object')) {
      out.push(`${path}=[${value.map(String).join(',')}]`);
    }
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'reasons') continue;
    flatten(inner, path === '' ? key : `${path}.${key}`, out);
  }
}

function collectReasonCodes(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(collectReasonCodes);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own =
    typeof record.code === 'string' && typeof record.message === 'string' ? [record.code] : [];
  return [...own, ...Object.values(record).flatMap(collectReasonCodes)];
}

export function registerAuditCommand(program: Command): void {
  const audit = withServer(
    program
      .command('audit')
      .description(
        'read the audit log, newest first: policy changes, assignments, E2EE decisions, blocked joins',
      )
      .addOption(new Option('--limit <n>', 'how many entries').argParser(positiveInteger))
      .option('--kind <kind>', 'only entries of this kind (e.g. meeting.rejected)')
      .option('--before <id>', 'entries older than this entry id (paging)')
      .addOption(
        new Option('--from <time>', 'entries at or after this date or time').argParser(instant),
      )
      .addOption(new Option('--to <time>', 'entries before this date or time').argParser(instant))
      .addOption(
        new Option(
          '--export <format>',
          'the whole filtered log (newest 10,000) as a file instead of a page',
        ).choices(['csv', 'json']),
      )
      .option('--output <file>', 'with --export: write the file here (default: standard output)'),
  ).action(async (flags: AuditFlags) => {
    const query = new URLSearchParams();
    if (flags.kind !== undefined) query.set('kind', flags.kind);
    if (flags.from !== undefined) query.set('from', flags.from);
    if (flags.to !== undefined) query.set('to', flags.to);
    const { api } = await connect(flags);
    if (flags.export !== undefined) {
      query.set('format', flags.export);
      const file = await api.download(`/api/admin/audit/export?${query.toString()}`);
      if (flags.output === undefined) process.stdout.write(file);
      else {
        await writeFile(flags.output, file);
        process.stderr.write(`Wrote the audit log (${flags.export}) to ${flags.output}\n`);
      }
      return;
    }
    if (flags.limit !== undefined) query.set('limit', String(flags.limit));
    if (flags.before !== undefined) query.set('before', flags.before);
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    const response = await api.get<unknown>(`/api/admin/audit${suffix}`);
    emit(flags, response, (body) =>
      formatTable(
        unwrapList<AuditEntry>(body, 'entries'),
        [
          { header: 'at', value: (row) => row.at },
          { header: 'actor', value: (row) => row.actor?.displayName ?? '(system)' },
          { header: 'kind', value: (row) => row.kind },
          { header: 'subject', value: about },
          { header: 'details', value: (row) => summarizeDetails(row.details) },
        ],
        '(no audit entries)',
      ),
    );
  });
  example(
    audit,
    'conclave audit --limit 20 --kind meeting.rejected',
    'conclave audit --from 2026-12-01 --to 2026-12-08 --export csv --output week.csv',
  );
}
