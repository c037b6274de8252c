import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../lib/api';
import { formatTime, shortHash } from '../lib/format';
import { routeHash } from '../lib/route';
import { appendNewRecords, chainsFromPrevious, NO_FILTERS, toJsonLines, trailQuery, type TrailFilters } from '../lib/trail';
import { AUDIT_ACTIONS, type AuditPage, type AuditRecord, type ChainVerdict } from '../lib/types';
import { ErrorNote, shortId, TableScroll } from '../components';

const PAGE_LIMIT = 500;
/** Pages read at most when a filter is applied; past that, narrow the filter or export. */
const MAX_PAGES = 10;
const FOLLOW_MS = 2000;

/** Reads every page of the trail the filters select (up to `maxPages`). */
async function readTrail(
  client: ApiClient,
  filters: TrailFilters,
  maxPages: number,
  signal?: AbortSignal,
): Promise<{ records: AuditRecord[]; more: boolean }> {
  let records: AuditRecord[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const answer: AuditPage = await client.get<AuditPage>(`/audit${trailQuery(filters, PAGE_LIMIT, cursor)}`, signal);
    records = records.concat(answer.records);
    cursor = answer.next_cursor;
    if (!cursor) return { records, more: false };
  }
  return { records, more: true };
}

export function TrailPage({ client, linkJobs }: { client: ApiClient; linkJobs: boolean }) {
  const [form, setForm] = useState<TrailFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<TrailFilters>(NO_FILTERS);
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const [verdict, setVerdict] = useState<ChainVerdict | null>(null);
  const [verifying, setVerifying] = useState(false);
  const recordsRef = useRef<AuditRecord[] | null>(null);
  recordsRef.current = records;

  useEffect(() => {
    const abort = new AbortController();
    setRecords(null);
    readTrail(client, filters, MAX_PAGES, abort.signal).then(
      (read) => {
        setRecords(read.records);
        setMore(read.more);
        setProblem(null);
      },
      (error: unknown) => !abort.signal.aborted && setProblem(error instanceof Error ? error.message : String(error)),
    );
    return () => abort.abort();
  }, [filters]);

  // Following: read again from the last record's time and append what is new.
  useEffect(() => {
    if (!follow || filters.until !== '') return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const step = async () => {
      const shown = recordsRef.current;
      if (shown && !more) {
        const last = shown[shown.length - 1];
        const since = last ? last.occurred_at : '';
        try {
          const read = await readTrail(client, since ? { ...filters, since } : filters, 1);
          if (!stopped) setRecords((current) => (current ? appendNewRecords(current, read.records) : current));
        } catch {
          // The next round tries again; the records shown stay.
        }
      }
      if (!stopped) timer = setTimeout(() => void step(), FOLLOW_MS);
    };
    timer = setTimeout(() => void step(), FOLLOW_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [follow, filters, more]);

  const verify = async () => {
    setVerifying(true);
    setVerdict(null);
    try {
      setVerdict(await client.get<ChainVerdict>('/audit/verify'));
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setVerifying(false);
    }
  };

  const exportTrail = async () => {
    try {
      const all = await readTrail(client, filters, 1000);
      const url = URL.createObjectURL(new Blob([toJsonLines(all.records)], { type: 'application/x-ndjson' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `crux-trail-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.jsonl`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const links = records ? chainsFromPrevious(records) : [];
  const set = (field: keyof TrailFilters) => (e: Event) => setForm({ ...form, [field]: (e.currentTarget as HTMLInputElement).value });

  return (
    <>
      <h1>Trail</h1>
      <p class="hint">
        Every cancel, revoke, deletion, restore, hold and purge step, in the order the audit service appended them. Each record's hash
        covers the record and the hash before it.
      </p>
      <section aria-labelledby="verify-title" class="card">
        <h2 id="verify-title">The hash chain</h2>
        <div class="buttons">
          <button type="button" disabled={verifying} onClick={() => void verify()}>
            Verify the chain
          </button>
          <button type="button" class="secondary" onClick={() => void exportTrail()}>
            Export (JSON lines)
          </button>
        </div>
        {verifying && <p role="status">Checking every record…</p>}
        {verdict && (
          <p role="status" data-testid="verdict" data-ok={String(verdict.ok)} class={verdict.ok ? 'ok' : 'error'}>
            {verdict.ok
              ? `The chain holds: ${verdict.records_checked} records checked, each chains from the one before and hashes to what it says.`
              : `The chain is broken at record ${verdict.first_bad_sequence} (${verdict.records_checked} records checked): ${verdict.problem}`}
          </p>
        )}
      </section>
      <form
        class="filters"
        aria-label="Trail filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(form);
        }}
      >
        <span>
          <label for="f-job">Job</label>
          <input id="f-job" value={form.jobId} onInput={set('jobId')} />
        </span>
        <span>
          <label for="f-action">Action</label>
          <select id="f-action" value={form.action} onChange={set('action')}>
            <option value="">any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </span>
        <span>
          <label for="f-actor">Actor</label>
          <input id="f-actor" value={form.actor} onInput={set('actor')} />
        </span>
        <span>
          <label for="f-since">Since</label>
          <input id="f-since" type="datetime-local" step={1} value={form.since} onInput={set('since')} />
        </span>
        <span>
          <label for="f-until">Until</label>
          <input id="f-until" type="datetime-local" step={1} value={form.until} onInput={set('until')} />
        </span>
        <span class="filter-buttons">
          <button type="submit">Apply</button>
          <label class="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow new records
          </label>
        </span>
      </form>
      <ErrorNote>{problem}</ErrorNote>
      {records === null && !problem && <p>Reading the trail…</p>}
      {records && (
        <>
          <p class="hint" data-testid="trail-count">
            {records.length} record{records.length === 1 ? '' : 's'}
            {more ? ' (the first ones: narrow the filters to see the rest)' : ''}.
          </p>
          <TableScroll label="Trail records">
            <table class="trail" data-testid="trail-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Job or plan</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Hash</th>
                  <th scope="col">Previous hash</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r, i) => (
                  <tr key={r.sequence ?? r.hash} data-action={r.action} data-job-id={r.job_id} data-actor={r.actor.id}>
                    <td>{r.sequence ?? i + 1}</td>
                    <td>{formatTime(r.occurred_at)}</td>
                    <td>{r.action}</td>
                    <td>
                      {r.action.startsWith('purge_') || !linkJobs ? (
                        <code title={r.job_id}>{shortId(r.job_id)}</code>
                      ) : (
                        <a href={routeHash({ page: 'job', jobId: r.job_id })} title={r.job_id}>
                          <code>{shortId(r.job_id)}</code>
                        </a>
                      )}
                    </td>
                    <td>{r.actor.id}</td>
                    <td>{r.reason ?? '-'}</td>
                    <td>
                      <code title={r.hash}>{shortHash(r.hash)}</code>
                    </td>
                    <td>
                      <code title={r.prev_hash}>{shortHash(r.prev_hash)}</code>{' '}
                      {links[i] === true && (
                        <span class="ok" title="prev_hash is the hash of the record above">
                          ↑ chains
                        </span>
                      )}
                      {links[i] === false && <span class="error">does not chain from the record above</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}
