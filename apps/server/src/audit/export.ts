// The audit log as a file an auditor opens: CSV (RFC 4180: every field quoted, quotes doubled,
// CRLF line ends) with one column per fact and the details as JSON, or JSON (the entries exactly
// as the API lists them). A field a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a
// leading apostrophe: names and subjects come from users, and an export must not execute them.
import type { AuditEntryView } from '@conclave/protocol';

const COLUMNS = [
  'id',
  'at',
  'actor_id',
  'actor_name',
  'kind',
  'subject',
  'subject_name',
  'details',
] as const;

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function auditCsv(entries: readonly AuditEntryView[]): string {
  const lines = [COLUMNS.join(',')];
  for (const e of entries) {
    lines.push(
      [
        e.id,
        e.at,
        e.actor?.id ?? '',
        e.actor?.displayName ?? '',
        e.kind,
        e.subject,
        e.subjectName ?? '',
        JSON.stringify(e.details),
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `conclave-audit-2026-12-05.csv`: the day the export was made. */
export function exportFileName(now: number, format: 'csv' | 'json'): string {
  return `conclave-audit-${new Date(now).toISOString().slice(0, 10)}.${format}`;
}
