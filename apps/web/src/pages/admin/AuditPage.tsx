// The audit log, newest first: filter by kind (exact, or a family such as `meeting`) and by days,
// page back, download what the filter shows as CSV or JSON. Entries name the person, meeting or
// object they are about beside its id.
import { useState, type FormEvent } from 'react';
import { auditExportUrl, listAudit } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { AuditEntry } from '../../api/types.ts';
import { useResource } from '../../app/hooks.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/fields.tsx';
import { Loaded, Page } from '../../components/Page.tsx';

const pageSize = 25;

function formatTime(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : date.toLocaleString();
}

function Details({ details }: { details: AuditEntry['details'] }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <>—</>;
  const list = (
    <ul className="details-list">
      {entries.map(([key, value]) => (
        <li key={key}>
          {key}: <code>{JSON.stringify(value)}</code>
        </li>
      ))}
    </ul>
  );
  if (entries.length <= 4) return list;
  return (
    <details>
      <summary>{entries.length} details</summary>
      {list}
    </details>
  );
}

/** A day picked in the viewer's zone, as the instant it starts (`next`: the day after it). */
function dayStart(day: string, next = false): string | undefined {
  if (day === '') return undefined;
  const start = new Date(`${day}T00:00:00`);
  if (Number.isNaN(start.getTime())) return undefined;
  if (next) start.setDate(start.getDate() + 1);
  return start.toISOString();
}

interface Filter {
  kind: string;
  from?: string;
  to?: string;
}

function Subject({ entry }: { entry: AuditEntry }) {
  if (entry.subject === '') return <>—</>;
  if (entry.subjectName === undefined) return <code>{entry.subject}</code>;
  return (
    <>
      {entry.subjectName} <code className="audit-subject-id">{entry.subject}</code>
    </>
  );
}

export function AuditPage() {
  const [kindInput, setKindInput] = useState('');
  const [fromInput, setFromInput] = useState('');
  const [toInput, setToInput] = useState('');
  const [rangeError, setRangeError] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState<Filter>({ kind: '' });
  const { kind } = filter;
  // The cursors of the pages walked so far; the last is the one shown.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const applied = {
    ...(kind ? { kind } : {}),
    ...(filter.from === undefined ? {} : { from: filter.from }),
    ...(filter.to === undefined ? {} : { to: filter.to }),
  };
  const entries = useResource(
    () => listAudit({ limit: pageSize, ...applied, ...(before ? { before } : {}) }),
    [kind, filter.from, filter.to, before],
  );
  const filterError =
    entries.status === 'error' && entries.error instanceof ApiError
      ? entries.error.fields.find((f) => f.path.includes('kind'))?.message
      : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const from = dayStart(fromInput);
    const to = dayStart(toInput, true);
    if (from !== undefined && to !== undefined && from >= to) {
      setRangeError('The last day must not be before the first.');
      return;
    }
    setRangeError(undefined);
    setFilter({
      kind: kindInput.trim(),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    });
    setCursors([undefined]);
  };

  return (
    <Page
      title="Audit log"
      intro="Every policy change, assignment, E2EE decision and blocked join, newest first."
    >
      <form className="form form-inline" onSubmit={submit} noValidate>
        <TextField
          label="Kind"
          type="search"
          value={kindInput}
          onChange={setKindInput}
          placeholder="e.g. meeting or meeting.rejected"
          hint="An exact kind or a family; empty shows everything."
          error={filterError}
        />
        <TextField label="From" type="date" value={fromInput} onChange={setFromInput} />
        <TextField
          label="To"
          type="date"
          value={toInput}
          onChange={setToInput}
          hint="Both days included."
          error={rangeError}
        />
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      <p className="button-row">
        <a className="button" href={auditExportUrl('csv', applied)} download>
          Download CSV
        </a>
        <a className="button" href={auditExportUrl('json', applied)} download>
          Download JSON
        </a>
        <span className="muted">The entries this filter shows, every page (up to 10,000).</span>
      </p>
      {entries.status === 'error' && !filterError ? <ErrorMessage error={entries.error} /> : null}
      {entries.status !== 'error' ? (
        <Loaded resource={entries}>
          {(rows) => (
            <>
              <DataTable
                caption={kind ? `Entries of kind '${kind}'` : 'All entries'}
                rows={rows}
                rowKey={(entry) => entry.id}
                empty="No entries."
                columns={[
                  {
                    header: 'When',
                    rowHeader: true,
                    cell: (e) => <time dateTime={e.at}>{formatTime(e.at)}</time>,
                  },
                  { header: 'Who', cell: (e) => e.actor?.displayName ?? 'System' },
                  { header: 'Kind', cell: (e) => <code>{e.kind}</code> },
                  { header: 'About', cell: (e) => <Subject entry={e} /> },
                  { header: 'Details', cell: (e) => <Details details={e.details} /> },
                ]}
              />
              <nav className="pager" aria-label="Audit pages">
                <button
                  type="button"
                  className="button"
                  disabled={cursors.length <= 1}
                  onClick={() => setCursors(cursors.slice(0, -1))}
                >
                  Newer
                </button>
                <span>Page {cursors.length}</span>
                <button
                  type="button"
                  className="button"
                  disabled={rows.length < pageSize}
                  onClick={() => {
                    const last = rows[rows.length - 1];
                    if (last) setCursors([...cursors, last.id]);
                  }}
                >
                  Older
                </button>
              </nav>
            </>
          )}
        </Loaded>
      ) : null}
    </Page>
  );
}
