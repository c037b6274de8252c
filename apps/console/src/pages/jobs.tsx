import { useState } from 'preact/hooks';
import { query, type ApiClient } from '../lib/api';
import { formatTime } from '../lib/format';
import { can, Capability } from '../lib/roles';
import { routeHash } from '../lib/route';
import type { StoredSession } from '../lib/session';
import { JOB_STATUSES, type JobPage } from '../lib/types';
import { ErrorNote, ProgressBar, shortId, StatusBadge, TableScroll } from '../components';
import { usePoll } from '../hooks';
import { SubmitForm } from './submit-form';

const PAGE_SIZE = 20;
/** No list stream exists: the table asks again this often, so rows move as jobs do. */
const POLL_MS = 1000;

export function JobsPage({ client, session }: { client: ApiClient; session: StoredSession }) {
  const [status, setStatus] = useState('');
  // The cursors of the pages before this one, to go back; the current page's own cursor last.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const page = usePoll((signal) => client.get<JobPage>(`/jobs${query({ status, limit: PAGE_SIZE, cursor })}`, signal), POLL_MS, [
    status,
    cursor,
  ]);
  const jobs = page.data?.jobs ?? [];

  return (
    <>
      <h1>Jobs</h1>
      <p class="hint">
        {session.role === 'operator' ? 'Every job, newest first.' : 'Your jobs, newest first.'} The table follows the jobs as they move.
      </p>
      {can(session.role, Capability.Submit) && <SubmitForm client={client} onSubmitted={() => page.refresh()} />}
      <section aria-labelledby="jobs-table-title">
        <h2 id="jobs-table-title">Job list</h2>
        <div class="toolbar">
          <label for="status-filter">Status</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setCursors([null]);
            }}
          >
            <option value="">any</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <ErrorNote error={page.error} />
        <TableScroll label="Jobs">
          <table class="jobs" data-testid="jobs-table" aria-busy={page.data === undefined ? 'true' : 'false'}>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Phase</th>
                <th scope="col">Owner</th>
                <th scope="col">Created</th>
                <th scope="col">Mode</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.job_id} data-job-id={job.job_id} data-status={job.status}>
                  <td>
                    <a href={routeHash({ page: 'job', jobId: job.job_id })} title={job.job_id}>
                      <code>{shortId(job.job_id)}</code>
                    </a>
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <ProgressBar value={job.progress} label={`progress of job ${shortId(job.job_id)}`} />
                  </td>
                  <td>{job.current_phase ?? '-'}</td>
                  <td>{job.owner}</td>
                  <td>{formatTime(job.created_at)}</td>
                  <td>{job.mode}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        {page.data && jobs.length === 0 && <p data-testid="no-jobs">No jobs{status ? ` with status ${status}` : ''}.</p>}
        <div class="pager">
          <button type="button" class="secondary" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <button
            type="button"
            class="secondary"
            disabled={!page.data?.next_cursor}
            onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}
          >
            Older
          </button>
        </div>
      </section>
    </>
  );
}
