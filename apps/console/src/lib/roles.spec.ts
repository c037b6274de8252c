import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { can, Capability, homePage, pagesFor } from './roles';
import type { Role } from './types';

/** The README's authorisation table: route → the status each caller gets. */
function authorisationTable(): Map<string, string[]> {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Authorisation'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('| `')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    rows.set(cells[0], cells.slice(1));
  }
  return rows;
}

/** The README row each control stands for, by the start of its first cell. */
const ROW_OF: Record<Capability, string> = {
  [Capability.ListJobs]: '`GET /jobs`',
  [Capability.Submit]: '`POST /solve/basic`',
  [Capability.Cancel]: '`DELETE /jobs/{id}`',
  [Capability.Purge]: '`POST /admin/purges`',
  [Capability.Restore]: '`POST /admin/jobs/{id}/restore`',
  [Capability.Hold]: '`PUT`, `DELETE /admin/jobs/{id}/hold`',
  [Capability.Rebuild]: '`POST /admin/rebuild-state`',
  [Capability.ReadTrail]: '`GET /audit`',
};
/** Columns: submitter (own job), submitter (other's), operator, auditor, no key. */
const COLUMN: Record<Role, number> = { submitter: 0, operator: 2, auditor: 3 };

describe('what each role sees (the README authorisation table)', () => {
  const table = authorisationTable();

  it.each(
    Object.values(Capability).flatMap((capability) =>
      (['submitter', 'operator', 'auditor'] as Role[]).map((role) => [capability, role] as const),
    ),
  )('%s for %s is shown exactly when the API admits it', (capability, role) => {
    const row = [...table.entries()].find(([name]) => name.startsWith(ROW_OF[capability]));
    expect(row).toBeDefined();
    const admitted = /^2\d\d/.test(row![1][COLUMN[role]]);
    expect(can(role, capability)).toBe(admitted);
  });

  it('gives each role its pages, and the trail and purge to no submitter', () => {
    expect(pagesFor('submitter')).toEqual(['jobs', 'system']);
    expect(pagesFor('operator')).toEqual(['jobs', 'trail', 'purge', 'system']);
    expect(pagesFor('auditor')).toEqual(['trail', 'system']);
    expect(homePage('auditor')).toBe('trail');
    expect(homePage('submitter')).toBe('jobs');
  });
});
