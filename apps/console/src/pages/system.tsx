import { useState } from 'preact/hooks';
import { ApiError, query, type ApiClient } from '../lib/api';
import { chartMax, perMinute, SERIES, totals, type MinuteBucket, type Series } from '../lib/chart';
import { formatCount, formatTime } from '../lib/format';
import { can, Capability } from '../lib/roles';
import type { StoredSession } from '../lib/session';
import type { AuditPage, JobPage, Readiness, RebuildProgress } from '../lib/types';
import { ErrorNote, ProgressBar, TableScroll } from '../components';
import { usePoll } from '../hooks';

const MINUTES = 30;

export function SystemPage({ client, session }: { client: ApiClient; session: StoredSession }) {
  return (
    <>
      <h1>System</h1>
      <ReadinessTable />
      {can(session.role, Capability.Rebuild) && <Rebuild client={client} />}
      <Activity client={client} session={session} />
    </>
  );
}

/** GET /readyz is public and answers 503 with the same checks when something is down. */
async function readReadiness(signal: AbortSignal): Promise<Readiness> {
  const response = await fetch('/readyz', { signal, cache: 'no-store' });
  const body = (await response.json().catch(() => ({}))) as Partial<Readiness> & { message?: string };
  if (!body.checks)
    throw new ApiError(response.status, body.message ?? `readiness answered ${response.status}`, body as Record<string, unknown>);
  return { status: response.ok ? 'ready' : 'not ready', checks: body.checks };
}

function ReadinessTable() {
  const ready = usePoll(readReadiness, 2000, []);
  const checks = Object.entries(ready.data?.checks ?? {});
  return (
    <section aria-labelledby="ready-title" class="card">
      <h2 id="ready-title">Readiness</h2>
      <ErrorNote error={ready.error} />
      {ready.data && (
        <p data-testid="ready-status" data-ready={String(ready.data.status === 'ready')}>
          The system is <strong>{ready.data.status}</strong>.
        </p>
      )}
      <TableScroll label="Readiness checks">
        <table data-testid="readiness">
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {checks.map(([name, state]) => (
              <tr key={name} data-check={name}>
                <td>{name}</td>
                <td class={state === 'ok' ? 'ok' : 'error'}>{state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function Rebuild({ client }: { client: ApiClient }) {
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const latest = usePoll(
    async (signal) => {
      try {
        return await client.get<RebuildProgress>('/admin/rebuild-state', signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    1000,
    [],
  );
  const start = async () => {
    setProblem(null);
    try {
      await client.post('/admin/rebuild-state', { reason: 'asked for from the ops console' });
      setAsking(false);
      latest.refresh();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const r = latest.data;
  return (
    <section aria-labelledby="rebuild-title" class="card">
      <h2 id="rebuild-title">Live state rebuild</h2>
      <ErrorNote error={latest.error} />
      {r === null && <p>No rebuild is recorded since Redis last lost its state.</p>}
      {r && (
        <div data-testid="rebuild" data-status={r.status}>
          <p>
            {r.status === 'running' ? 'Rebuilding' : `Last rebuild ${r.status}`} (
            {r.trigger === 'operator' ? `asked for by ${r.actor}` : 'Redis had lost its state'}), started {formatTime(r.started_at)}
            {r.finished_at ? `, finished ${formatTime(r.finished_at)}` : ''}.
          </p>
          <ProgressBar
            value={r.status === 'completed' ? 1 : r.events_total > 0 ? Math.min(r.events_read / r.events_total, 0.999) : 0}
            label="rebuild progress"
          />
          <p>
            {formatCount(r.events_read)} of {formatCount(r.events_total)} events read · {formatCount(r.jobs_restored)} jobs restored ·{' '}
            {formatCount(r.jobs_deleted)} deletions kept
          </p>
          {r.error && <ErrorNote>{`It stopped: ${r.error}`}</ErrorNote>}
        </div>
      )}
      {!asking && r?.status !== 'running' && (
        <button type="button" class="secondary" onClick={() => setAsking(true)}>
          Rebuild the live state…
        </button>
      )}
      {asking && (
        <div class="confirm" role="group" aria-labelledby="rebuild-question">
          <p id="rebuild-question">
            Rebuild job-state's live state in Redis from the JOBS stream? It restores only what Redis is missing or holds older and deletes
            nothing live; a job whose TTL passed meanwhile is then expired (reason ttl).
          </p>
          <div class="buttons">
            <button type="button" onClick={() => void start()}>
              Yes, rebuild
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              No
            </button>
          </div>
        </div>
      )}
      <ErrorNote>{problem}</ErrorNote>
    </section>
  );
}

const SERIES_LABEL: Record<Series, string> = {
  completed: 'completed',
  purge: 'deleted: purge',
  erase: 'deleted: erase',
  ttl: 'deleted: TTL',
  external: 'deleted: external',
};

/** Jobs completed and deleted per minute, from what this key may read. */
function Activity({ client, session }: { client: ApiClient; session: StoredSession }) {
  const listsJobs = can(session.role, Capability.ListJobs);
  const readsTrail = can(session.role, Capability.ReadTrail);
  const data = usePoll(
    async (signal) => {
      const since = new Date(Date.now() - MINUTES * 60_000).toISOString();
      const [jobs, trail] = await Promise.all([
        listsJobs ? client.get<JobPage>(`/jobs${query({ status: 'completed', limit: 100 })}`, signal) : Promise.resolve(null),
        readsTrail ? client.get<AuditPage>(`/audit${query({ action: 'deleted', since, limit: 1000 })}`, signal) : Promise.resolve(null),
      ]);
      return perMinute(
        new Date(),
        MINUTES,
        (jobs?.jobs ?? []).map((j) => j.completed_at ?? ''),
        (trail?.records ?? []).map((r) => ({ at: r.occurred_at, reason: r.reason })),
      );
    },
    5000,
    [],
  );
  const buckets = data.data ?? [];
  const shown = SERIES.filter((s) => (s === 'completed' ? listsJobs : readsTrail));
  const sum = totals(buckets);
  const what = [
    listsJobs ? (session.role === 'operator' ? 'jobs completed (the latest 100)' : 'your jobs completed (the latest 100)') : '',
    readsTrail ? 'jobs deleted, by reason' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return (
    <section aria-labelledby="activity-title" class="card">
      <h2 id="activity-title">The last {MINUTES} minutes</h2>
      <ErrorNote error={data.error} />
      <figure>
        <Chart buckets={buckets} series={shown} />
        <ul class="legend">
          {shown.map((s) => (
            <li key={s} class={`legend-${s}`}>
              {SERIES_LABEL[s]}
            </li>
          ))}
        </ul>
        <figcaption>
          Per minute: {what}. In all: {shown.map((s) => `${SERIES_LABEL[s]} ${sum[s]}`).join(', ')}.
        </figcaption>
      </figure>
    </section>
  );
}

const W = 600;
const H = 160;

function Chart({ buckets, series }: { buckets: MinuteBucket[]; series: readonly Series[] }) {
  const max = chartMax(buckets);
  const slot = W / Math.max(1, buckets.length);
  const barW = Math.max(2, slot / 2 - 2);
  const y = (n: number) => (n / max) * (H - 20);
  const deletions = series.filter((s) => s !== 'completed');
  return (
    <svg viewBox={`0 0 ${W} ${H + 20}`} class="chart" role="img" aria-label="Jobs completed and deleted per minute" data-testid="chart">
      <line x1={0} y1={H} x2={W} y2={H} class="axis" />
      {buckets.map((b, i) => {
        const x = i * slot + 1;
        let top = H;
        return (
          <g key={b.start}>
            {series.includes('completed') && b.counts.completed > 0 && (
              <rect x={x} y={H - y(b.counts.completed)} width={barW} height={y(b.counts.completed)} class="s-completed" />
            )}
            {deletions.map((s) => {
              const h = y(b.counts[s]);
              if (h === 0) return null;
              top -= h;
              return <rect key={s} x={x + barW + 1} y={top} width={barW} height={h} class={`s-${s}`} />;
            })}
          </g>
        );
      })}
      <text x={0} y={H + 16} class="tick">
        {buckets[0] ? new Date(buckets[0].start).toISOString().slice(11, 16) : ''} UTC
      </text>
      <text x={W} y={H + 16} text-anchor="end" class="tick">
        now
      </text>
      <text x={W} y={12} text-anchor="end" class="tick">
        max {max}/min
      </text>
    </svg>
  );
}
