/** The API calls the console's tests make around the browser: set-up and checks. */
import { waitFor, type CruxSystem, type TestKey } from '@crux/test-harness';

export interface JobAnswer {
  status: number;
  body: Record<string, unknown> & { status?: string; actor?: { id: string }; reason?: string };
}

export async function submitJob(system: CruxSystem, key: TestKey, body: Record<string, unknown>): Promise<string> {
  const response = await system.request('/api/v1/solve/basic', key, { method: 'POST', body: JSON.stringify(body) });
  const json = (await response.json()) as { job_id: string };
  if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(json)}`);
  return json.job_id;
}

export async function getJob(system: CruxSystem, key: TestKey, id: string): Promise<JobAnswer> {
  const response = await system.request(`/api/v1/jobs/${id}`, key);
  return { status: response.status, body: (await response.json()) as JobAnswer['body'] };
}

export function waitForStatus(system: CruxSystem, key: TestKey, id: string, statuses: string[]): Promise<JobAnswer> {
  return waitFor(
    async () => {
      const answer = await getJob(system, key, id);
      return answer.status === 200 && statuses.includes(answer.body.status ?? '') ? answer : undefined;
    },
    { what: `job ${id} to be ${statuses.join(' or ')}`, timeoutMs: 90_000, intervalMs: 100 },
  );
}

/** A finished job's whole event stream as the API sends it: each event's id (its sequence) and type. */
export async function storedEvents(system: CruxSystem, key: TestKey, id: string): Promise<{ seq: number; type: string }[]> {
  const response = await system.request(`/api/v1/jobs/${id}/events`, key);
  const text = await response.text();
  return [...text.matchAll(/^id: (\d+)\nevent: (\S+)$/gm)].map((m) => ({ seq: Number(m[1]), type: m[2] }));
}
