import type { JobView } from '@crux/contracts';
import { waitFor, type CruxSystem, type TestKey } from '@crux/test-harness';

export async function submit(system: CruxSystem, key: TestKey, mode: 'basic' | 'enhanced', body: Record<string, unknown>) {
  const response = await system.request(`/api/v1/solve/${mode}`, key, { method: 'POST', body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(json)}`);
  return json as { job_id: string; status: string; created_at: string; message: string };
}

export async function getJob(
  system: CruxSystem,
  key: TestKey,
  id: string,
): Promise<{ status: number; body: JobView & Record<string, unknown> }> {
  const response = await system.request(`/api/v1/jobs/${id}`, key);
  return { status: response.status, body: (await response.json()) as JobView & Record<string, unknown> };
}

/** Polls the API until the job reaches one of `statuses`. */
export function waitForStatus(system: CruxSystem, key: TestKey, id: string, statuses: string[], timeoutMs = 60_000): Promise<JobView> {
  return waitFor(
    async () => {
      const { status, body } = await getJob(system, key, id);
      return status === 200 && statuses.includes(body.status) ? body : undefined;
    },
    { what: `job ${id} to be ${statuses.join(' or ')}`, timeoutMs, intervalMs: 100 },
  );
}
