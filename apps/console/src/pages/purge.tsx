import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../lib/api';
import {
  explainConfirmError,
  isCountTyped,
  planRequest,
  planRows,
  purgeFinished,
  purgeFraction,
  purgeLine,
  purgeSummary,
  type PurgeFilter,
  type PurgeForm,
} from '../lib/purge';
import { formatCount } from '../lib/format';
import { JOB_STATUSES, type JobStatus, type PurgePlanView, type PurgeProgress } from '../lib/types';
import { ErrorNote, ProgressBar } from '../components';

const EMPTY_FORM: PurgeForm = { ids: '', status: [], olderThan: '', erase: false, reason: '' };
const PROGRESS_MS = 500;

type Step =
  | { kind: 'form' }
  | { kind: 'plan'; plan: PurgePlanView; token: string; filter: PurgeFilter }
  | { kind: 'running'; plan: PurgePlanView; progress: PurgeProgress };

/** The purge flow: plan → the plan shown → type the count → confirm → progress to the end. */
export function PurgePage({ client }: { client: ApiClient }) {
  const [form, setForm] = useState<PurgeForm>(EMPTY_FORM);
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const [problem, setProblem] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);

  const plan = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const request = planRequest(form);
    if (!request.ok) return setProblem(request.problem);
    setBusy(true);
    try {
      const { confirm_token: token, ...view } = await client.post<PurgePlanView & { confirm_token: string }>('/admin/purges', request.body);
      setTyped('');
      setStep({ kind: 'plan', plan: view, token, filter: request.filter });
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (step.kind !== 'plan') return;
    setBusy(true);
    setProblem(null);
    try {
      const progress = await client.post<PurgeProgress>(`/admin/purges/${step.plan.plan_id}/confirm`, { confirm_token: step.token });
      setStep({ kind: 'running', plan: step.plan, progress: { ...progress, count: progress.count ?? step.plan.count } });
    } catch (error) {
      setProblem(explainConfirmError(error));
    } finally {
      setBusy(false);
    }
  };

  const running = step.kind === 'running' && !purgeFinished(step.progress) ? step.plan.plan_id : null;
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const progress = await client.get<PurgeProgress>(`/admin/purges/${running}`);
        if (!stopped) setStep((s) => (s.kind === 'running' ? { ...s, progress } : s));
        if (purgeFinished(progress)) return;
      } catch (error) {
        if (!stopped)
          setProblem(
            `could not read the purge's progress (${error instanceof Error ? error.message : String(error)}); it keeps running on the server`,
          );
      }
      if (!stopped) timer = setTimeout(() => void poll(), PROGRESS_MS);
    };
    timer = setTimeout(() => void poll(), PROGRESS_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [running]);

  const startOver = () => {
    setStep({ kind: 'form' });
    setProblem(null);
  };

  const toggleStatus = (status: JobStatus, on: boolean) =>
    setForm({ ...form, status: on ? [...form.status, status] : form.status.filter((s) => s !== status) });

  return (
    <>
      <h1>Purge</h1>
      <p class="hint">
        A purge deletes exactly the jobs its plan froze, in batches, each archived first (restorable within the archive retention) unless
        erased. Jobs on hold are never included; jobs created after the plan are never touched.
      </p>
      {step.kind === 'form' && (
        <form onSubmit={plan} class="card purge-form" aria-labelledby="plan-title">
          <h2 id="plan-title">What to purge</h2>
          <label for="p-ids">Job ids (spaces, commas or lines between them)</label>
          <textarea id="p-ids" rows={3} value={form.ids} onInput={(e) => setForm({ ...form, ids: e.currentTarget.value })} />
          <fieldset>
            <legend>Status</legend>
            {JOB_STATUSES.map((s) => (
              <label key={s} class="check">
                <input type="checkbox" checked={form.status.includes(s)} onChange={(e) => toggleStatus(s, e.currentTarget.checked)} /> {s}
              </label>
            ))}
          </fieldset>
          <label for="p-older">Older than (30m, 12h, 7d, 2w, 1d12h or seconds)</label>
          <input id="p-older" value={form.olderThan} onInput={(e) => setForm({ ...form, olderThan: e.currentTarget.value })} />
          <label class="check">
            <input type="checkbox" checked={form.erase} onChange={(e) => setForm({ ...form, erase: e.currentTarget.checked })} /> Erase:
            also remove the jobs' content from the event log (they cannot be restored)
          </label>
          <label for="p-reason">Reason (recorded in the trail with each deletion)</label>
          <input id="p-reason" value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
          <div class="buttons">
            <button type="submit" disabled={busy}>
              Plan the purge
            </button>
          </div>
          <p class="hint">Filters combine: a job must match all of them. Planning deletes nothing.</p>
        </form>
      )}
      {step.kind === 'plan' && step.plan.count === 0 && (
        <section class="card" aria-labelledby="plan-shown-title">
          <h2 id="plan-shown-title">Nothing to purge</h2>
          <p data-testid="plan-empty">No job matches the filter; nothing was planned for deletion.</p>
          <button type="button" class="secondary" onClick={startOver}>
            Change the filter
          </button>
        </section>
      )}
      {step.kind === 'plan' && step.plan.count > 0 && (
        <section class="card" aria-labelledby="plan-shown-title">
          <h2 id="plan-shown-title">Purge plan {step.plan.plan_id}</h2>
          <dl class="plan" data-testid="plan">
            {planRows(step.plan, step.filter, new Date()).map(([label, value], i) => (
              <div key={i} class="plan-row">
                <dt>{label}</dt>
                <dd>
                  <code class="wrap">{value}</code>
                </dd>
              </div>
            ))}
          </dl>
          <label for="p-typed">
            Type the number of jobs shown above, {formatCount(step.plan.count)}, to {step.plan.erase ? 'erase' : 'purge'} them
          </label>
          <input id="p-typed" inputMode="numeric" autocomplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          <div class="buttons">
            <button type="button" class="danger" disabled={busy || !isCountTyped(typed, step.plan.count)} onClick={() => void confirm()}>
              Confirm the purge
            </button>
            <button type="button" class="secondary" onClick={startOver}>
              Abandon (the plan expires unused)
            </button>
          </div>
        </section>
      )}
      {step.kind === 'running' && (
        <section class="card" aria-labelledby="progress-title">
          <h2 id="progress-title">Purge {step.plan.plan_id}</h2>
          <ProgressBar value={purgeFraction(step.progress)} label="purge progress" />
          <p data-testid="purge-line" data-status={step.progress.status}>
            {step.progress.status} · {purgeLine(step.progress)}
          </p>
          {purgeFinished(step.progress) && (
            <div role="status" data-testid="purge-summary">
              {purgeSummary(step.progress).map((line) => (
                <p key={line}>{line}</p>
              ))}
              <button type="button" class="secondary" onClick={startOver}>
                Plan another purge
              </button>
            </div>
          )}
        </section>
      )}
      <ErrorNote>{problem}</ErrorNote>
    </>
  );
}
