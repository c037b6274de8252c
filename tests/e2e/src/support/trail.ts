import type { AuditRecord } from '@crux/contracts';
import type { CruxSystem, TestKey } from '@crux/test-harness';
import { TEST_KEYS } from '@crux/test-harness';

/** The trail records of one job (or plan), through the public API. */
export async function trailOf(system: CruxSystem, jobId: string, key: TestKey = TEST_KEYS.auditor): Promise<AuditRecord[]> {
  const response = await system.request(`/api/v1/audit?job_id=${jobId}&limit=1000`, key);
  if (response.status !== 200) throw new Error(`GET /audit answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { records: AuditRecord[] }).records;
}

export async function wholeTrail(system: CruxSystem): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/api/v1/audit?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await system.request(path, TEST_KEYS.auditor);
    if (response.status !== 200) throw new Error(`GET /audit answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { records: AuditRecord[]; next_cursor: string | null };
    records.push(...page.records);
    cursor = page.next_cursor;
  } while (cursor);
  return records;
}
