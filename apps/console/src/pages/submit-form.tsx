import { useState } from 'preact/hooks';
import type { ApiClient } from '../lib/api';
import { routeHash } from '../lib/route';
import { ErrorNote } from '../components';

interface Accepted {
  job_id: string;
  status: string;
}

/** Submits a basic or an enhanced job (POST /solve/basic, /solve/enhanced). */
export function SubmitForm({ client, onSubmitted }: { client: ApiClient; onSubmitted(jobId: string): void }) {
  const [question, setQuestion] = useState('');
  const [mode, setMode] = useState<'basic' | 'enhanced'>('basic');
  const [iters, setIters] = useState('3');
  const [specialists, setSpecialists] = useState('3');
  const [problem, setProblem] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<Accepted | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    if (question.trim() === '') return setProblem('Write the question to solve.');
    const body: Record<string, unknown> = { question: question.trim() };
    const n = Number(iters);
    if (!Number.isInteger(n) || n < 1 || n > 50) return setProblem('Iterations must be a whole number from 1 to 50.');
    if (mode === 'basic') body.n_iters = n;
    else {
      const k = Number(specialists);
      if (!Number.isInteger(k) || k < 1 || k > 8) return setProblem('Specialists must be a whole number from 1 to 8.');
      body.num_specialists = k;
      body.specialist_max_iters = n;
    }
    setBusy(true);
    try {
      const answer = await client.post<Accepted>(`/solve/${mode}`, body);
      setAccepted(answer);
      setQuestion('');
      onSubmitted(answer.job_id);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="submit-title" class="card">
      <h2 id="submit-title">Submit a job</h2>
      <form onSubmit={submit} class="submit-form">
        <label for="question">Question</label>
        <textarea id="question" rows={2} value={question} onInput={(e) => setQuestion(e.currentTarget.value)} />
        <fieldset>
          <legend>Mode</legend>
          <label>
            <input type="radio" name="mode" value="basic" checked={mode === 'basic'} onChange={() => setMode('basic')} /> basic
          </label>
          <label>
            <input type="radio" name="mode" value="enhanced" checked={mode === 'enhanced'} onChange={() => setMode('enhanced')} /> enhanced
          </label>
        </fieldset>
        <div class="inline-fields">
          <span>
            <label for="iters">{mode === 'basic' ? 'Iterations' : 'Iterations per specialist'}</label>
            <input id="iters" type="number" min={1} max={50} value={iters} onInput={(e) => setIters(e.currentTarget.value)} />
          </span>
          {mode === 'enhanced' && (
            <span>
              <label for="specialists">Specialists</label>
              <input
                id="specialists"
                type="number"
                min={1}
                max={8}
                value={specialists}
                onInput={(e) => setSpecialists(e.currentTarget.value)}
              />
            </span>
          )}
        </div>
        <button type="submit" disabled={busy}>
          Submit job
        </button>
      </form>
      <ErrorNote>{problem}</ErrorNote>
      {accepted && (
        <p role="status" data-testid="submitted">
          Submitted job <a href={routeHash({ page: 'job', jobId: accepted.job_id })}>{accepted.job_id}</a> ({accepted.status}).
        </p>
      )}
    </section>
  );
}
