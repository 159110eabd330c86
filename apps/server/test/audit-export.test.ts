// The audit export as a spreadsheet opens it: RFC 4180 quoting, and nothing a user typed runs as a
// formula.
import { describe, expect, it } from 'vitest';
import { auditCsv, exportFileName } from '../src/audit/export.ts';

describe('the audit CSV', () => {
  it('quotes every field, doubles quotes, and defuses formulas', () => {
    const csv = auditCsv([
      {
        id: '7',
        at: '2026-12-05T10:00:00.000Z',
        actor: { id: 'u1', displayName: '=HYPERLINK("http://evil")' },
        kind: 'meeting.scheduled',
        subject: 'meeting:m1',
        subjectName: 'Board "Q4", review\nday two',
        details: { note: '-1+2' },
      },
      {
        id: '6',
        at: '2026-12-05T09:00:00.000Z',
        actor: null,
        kind: 'tenant.changed',
        subject: 'tenant:t1',
        details: {},
      },
    ]);
    const [header, first, second] = csv.split('\r\n');
    expect(header).toBe('id,at,actor_id,actor_name,kind,subject,subject_name,details');
    expect(first).toBe(
      '"7","2026-12-05T10:00:00.000Z","u1","\'=HYPERLINK(""http://evil"")","meeting.scheduled","meeting:m1","Board ""Q4"", review\nday two","{""note"":""-1+2""}"',
    );
    expect(second).toBe(
      '"6","2026-12-05T09:00:00.000Z","","","tenant.changed","tenant:t1","","{}"',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(exportFileName(Date.parse('2026-12-05T23:59:00Z'), 'csv')).toBe(
      'conclave-audit-2026-12-05.csv',
    );
  });
});
