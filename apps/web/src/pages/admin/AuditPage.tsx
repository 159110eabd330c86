// The audit log, newest first: filter by kind (exact, or a family such as `meeting`), page back.
import { useState, type FormEvent } from 'react';
import { listAudit } from '../../api/admin.ts';
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

export function AuditPage() {
  const [kindInput, setKindInput] = useState('');
  const [kind, setKind] = useState('');
  // The cursors of the pages walked so far; the last is the one shown.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const entries = useResource(
    () => listAudit({ limit: pageSize, ...(kind ? { kind } : {}), ...(before ? { before } : {}) }),
    [kind, before],
  );
  const filterError =
    entries.status === 'error' && entries.error instanceof ApiError
      ? entries.error.fields.find((f) => f.path.includes('kind'))?.message
      : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setKind(kindInput.trim());
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
        <button type="submit" className="button">
          Filter
        </button>
      </form>
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
                  { header: 'Subject', cell: (e) => e.subject || '—' },
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
