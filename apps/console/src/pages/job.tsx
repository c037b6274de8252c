import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../lib/api';
import { deletedJobOf, describeDeletion, explainRestoreRefusal, type DeletedJob } from '../lib/deleted-job';
import { formatDuration, formatTime } from '../lib/format';
import { followJob, type StreamState } from '../lib/job-stream';
import { can, Capability } from '../lib/roles';
import { routeHash } from '../lib/route';
import type { StoredSession } from '../lib/session';
import { addToTimeline, describeEvent, liveState, type TimelineEntry } from '../lib/timeline';
import { TERMINAL_STATUSES, type JobView } from '../lib/types';
import { ErrorNote, ProgressBar, StatusBadge } from '../components';

type Loaded =
  | { kind: 'loading' }
  | { kind: 'job'; job: JobView }
  | { kind: 'deleted'; deleted: DeletedJob }
  | { kind: 'missing'; message: string }
  | { kind: 'error'; message: string };

export function JobPage({ client, session, jobId }: { client: ApiClient; session: StoredSession; jobId: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [stream, setStream] = useState<StreamState>({ kind: 'connecting' });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    client
      .get<JobView>(`/jobs/${jobId}`, abort.signal)
      .then((job) => setLoaded({ kind: 'job', job }))
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        const deleted = deletedJobOf(error);
        if (deleted) setLoaded({ kind: 'deleted', deleted });
        else if (error instanceof ApiError && error.status === 404) setLoaded({ kind: 'missing', message: error.message });
        else setLoaded({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => abort.abort();
  }, [jobId, reloads]);

  const live = loaded.kind === 'job';
  useEffect(() => {
    if (!live) return;
    return followJob(client, jobId, {
      onEvent: (seq, event) => setTimeline((t) => addToTimeline(t, { seq, event })),
      onState: (state) => {
        setStream(state);
        // The stream has ended: read the job once more for its result and final fields.
        if (state.kind === 'ended')
          void client.get<JobView>(`/jobs/${jobId}`).then(
            (job) => setLoaded({ kind: 'job', job }),
            () => undefined,
          );
      },
      onRefused: () => setStream({ kind: 'ended' }),
    });
  }, [jobId, live, reloads]);

  const reload = () => {
    setTimeline([]);
    setReloads((n) => n + 1);
  };

  return (
    <>
      <p>
        <a href={routeHash({ page: 'jobs' })}>← Jobs</a>
      </p>
      <h1>
        Job <code class="wrap">{jobId}</code>
      </h1>
      {loaded.kind === 'loading' && <p>Loading…</p>}
      {loaded.kind === 'missing' && (
        <p class="error" role="alert" data-testid="job-missing">
          No such job: {loaded.message}
        </p>
      )}
      {loaded.kind === 'error' && <ErrorNote>{loaded.message}</ErrorNote>}
      {loaded.kind === 'deleted' && (
        <Deleted client={client} session={session} jobId={jobId} deleted={loaded.deleted} onRestored={reload} />
      )}
      {loaded.kind === 'job' && (
        <LiveJob client={client} session={session} job={loaded.job} timeline={timeline} stream={stream} onChanged={reload} />
      )}
    </>
  );
}

function LiveJob(props: {
  client: ApiClient;
  session: StoredSession;
  job: JobView;
  timeline: TimelineEntry[];
  stream: StreamState;
  onChanged(): void;
}) {
  const { client, session, job, timeline, stream } = props;
  const state = liveState({ status: job.status, progress: job.progress, phase: job.current_phase }, timeline);
  const status = state.status ?? job.status;
  const active = !TERMINAL_STATUSES.includes(status);
  return (
    <>
      <section aria-labelledby="job-state-title" class="card">
        <h2 id="job-state-title">State</h2>
        <p class="state-line">
          <StatusBadge status={status} /> <span data-testid="job-status">{status}</span>
        </p>
        <ProgressBar value={state.progress} label="job progress" />
        <p>
          Phase: <span data-testid="job-phase">{state.phase ?? '-'}</span>
        </p>
        {can(session.role, Capability.Cancel) && active && <CancelJob client={client} jobId={job.job_id} />}
        {can(session.role, Capability.Hold) && <HoldJob client={client} job={job} onChanged={props.onChanged} />}
      </section>
      <section aria-labelledby="job-fields-title">
        <h2 id="job-fields-title">Fields</h2>
        <dl class="fields">
          <dt>Owner</dt>
          <dd>{job.owner}</dd>
          <dt>Mode</dt>
          <dd>{job.mode}</dd>
          <dt>Created</dt>
          <dd>{formatTime(job.created_at)}</dd>
          <dt>Started</dt>
          <dd>{formatTime(job.started_at)}</dd>
          <dt>Finished</dt>
          <dd>{formatTime(job.completed_at)}</dd>
          <dt>Question</dt>
          <dd class="wrap">{String(job.request?.question ?? '-')}</dd>
          <dt>Model</dt>
          <dd>{job.model_name ?? '-'}</dd>
          {job.continued_from && (
            <>
              <dt>Continued from</dt>
              <dd>
                <a href={routeHash({ page: 'job', jobId: job.continued_from })}>{job.continued_from}</a>
              </dd>
            </>
          )}
          <dt>On hold</dt>
          <dd data-testid="job-held">{job.held ? 'yes' : 'no'}</dd>
          <dt>Expires</dt>
          <dd>{job.ttl_s == null ? 'never (no TTL)' : `in ${formatDuration(job.ttl_s)}`}</dd>
        </dl>
      </section>
      {job.status === 'completed' && job.result && (
        <section aria-labelledby="job-result-title" class="card">
          <h2 id="job-result-title">Result</h2>
          <p>
            {job.result.iterations} iteration{job.result.iterations === 1 ? '' : 's'} · stop reason {job.result.stop_reason} · converged{' '}
            {job.result.converged ? 'yes' : 'no'} · {job.result.total_tokens} tokens · {job.result.processing_time.toFixed(2)} s
          </p>
          <pre class="result" data-testid="job-result">
            {job.result.output}
          </pre>
        </section>
      )}
      {job.status === 'failed' && job.error && <ErrorNote>{`The job failed: ${job.error}`}</ErrorNote>}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <p class="hint" data-testid="stream-state" data-state={stream.kind}>
          {describeStream(stream)}
        </p>
        <ol class="timeline" data-testid="timeline">
          {timeline.map(({ seq, event }) => (
            <li key={seq} data-seq={seq} data-type={event.type}>
              <span class="seq">#{seq}</span> <time dateTime={event.occurred_at}>{formatTime(event.occurred_at)}</time>{' '}
              <span>{describeEvent(event)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function describeStream(stream: StreamState): string {
  switch (stream.kind) {
    case 'connecting':
      return 'Connecting to the event stream…';
    case 'live':
      return 'Live: new events appear as they happen.';
    case 'reconnecting':
      return `Reconnecting (${stream.reason})${stream.lastEventId ? `, resuming after event #${stream.lastEventId}` : ''}…`;
    case 'ended':
      return 'The job has ended: this is its whole history.';
  }
}

function CancelJob({ client, jobId }: { client: ApiClient; jobId: string }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await client.delete(`/jobs/${jobId}`, reason.trim() ? { reason: reason.trim() } : {});
      setAsking(false);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  if (!asking) {
    return (
      <p>
        <button type="button" class="danger" onClick={() => setAsking(true)}>
          Cancel job…
        </button>
      </p>
    );
  }
  return (
    <div class="confirm" role="group" aria-labelledby="cancel-question">
      <p id="cancel-question">Cancel this job? A running job is stopped at once (its process is killed); this cannot be undone.</p>
      <label for="cancel-reason">Reason (recorded in the trail)</label>
      <input id="cancel-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="buttons">
        <button type="button" class="danger" disabled={busy} onClick={() => void cancel()}>
          Yes, cancel the job
        </button>
        <button type="button" class="secondary" onClick={() => setAsking(false)}>
          Keep it running
        </button>
      </div>
      <ErrorNote>{problem}</ErrorNote>
    </div>
  );
}

function HoldJob({ client, job, onChanged }: { client: ApiClient; job: JobView; onChanged(): void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const toggle = async () => {
    setProblem(null);
    try {
      if (job.held) await client.delete(`/admin/jobs/${job.job_id}/hold`, {});
      else await client.put(`/admin/jobs/${job.job_id}/hold`, { reason: 'held from the ops console' });
      onChanged();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <p>
      <button type="button" class="secondary" onClick={() => void toggle()}>
        {job.held ? 'Release the legal hold' : 'Put on legal hold'}
      </button>
      <ErrorNote>{problem}</ErrorNote>
    </p>
  );
}

function Deleted(props: { client: ApiClient; session: StoredSession; jobId: string; deleted: DeletedJob; onRestored(): void }) {
  const { client, session, jobId, deleted } = props;
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const restore = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      await client.post(`/admin/jobs/${jobId}/restore`);
      props.onRestored();
    } catch (error) {
      setRefusal(explainRestoreRefusal(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="deleted-title" class="card deleted" data-testid="job-deleted">
      <h2 id="deleted-title">This job was deleted</h2>
      <p data-testid="deletion">{describeDeletion(deleted)}</p>
      <dl class="fields">
        <dt>When</dt>
        <dd>{formatTime(deleted.deletedAt)}</dd>
        <dt>Why</dt>
        <dd data-testid="deletion-reason">{deleted.reason}</dd>
        <dt>By</dt>
        <dd data-testid="deletion-actor">{deleted.actor}</dd>
      </dl>
      {can(session.role, Capability.Restore) && (
        <p>
          <button type="button" disabled={busy} onClick={() => void restore()}>
            Restore from the archive
          </button>
        </p>
      )}
      <ErrorNote>{refusal}</ErrorNote>
    </section>
  );
}
