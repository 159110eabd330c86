// `conclave audit`: the append-only record of who changed what and every E2EE decision (spec §7).
import { Option } from 'commander';
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
      .option('--before <id>', 'entries older than this entry id (paging)'),
  ).action(async (flags: AuditFlags) => {
    const query = new URLSearchParams();
    if (flags.limit !== undefined) query.set('limit', String(flags.limit));
    if (flags.kind !== undefined) query.set('kind', flags.kind);
    if (flags.before !== undefined) query.set('before', flags.before);
    const { api } = await connect(flags);
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    const response = await api.get<unknown>(`/api/admin/audit${suffix}`);
    emit(flags, response, (body) =>
      formatTable(
        unwrapList<AuditEntry>(body, 'entries'),
        [
          { header: 'at', value: (row) => row.at },
          { header: 'actor', value: (row) => row.actor?.displayName ?? '(system)' },
          { header: 'kind', value: (row) => row.kind },
          { header: 'subject', value: (row) => row.subject ?? '' },
          { header: 'details', value: (row) => summarizeDetails(row.details) },
        ],
        '(no audit entries)',
      ),
    );
  });
  example(audit, 'conclave audit --limit 20 --kind meeting.rejected');
}
