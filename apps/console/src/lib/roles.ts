/**
 * What each role may do in the console: the README's authorisation table, as the controls
 * shown. The API stays the guard; a control a role may not use is simply not drawn.
 */
import type { Role } from './types';

export const Capability = {
  /** See the jobs table (own jobs for a submitter, every job for an operator). */
  ListJobs: 'list-jobs',
  Submit: 'submit',
  Cancel: 'cancel',
  Purge: 'purge',
  Restore: 'restore',
  Hold: 'hold',
  Rebuild: 'rebuild',
  ReadTrail: 'read-trail',
} as const;
export type Capability = (typeof Capability)[keyof typeof Capability];

const GRANTS: Record<Role, readonly Capability[]> = {
  submitter: [Capability.ListJobs, Capability.Submit, Capability.Cancel],
  operator: [
    Capability.ListJobs,
    Capability.Submit,
    Capability.Cancel,
    Capability.Purge,
    Capability.Restore,
    Capability.Hold,
    Capability.Rebuild,
    Capability.ReadTrail,
  ],
  auditor: [Capability.ReadTrail],
};

export function can(role: Role, capability: Capability): boolean {
  return GRANTS[role].includes(capability);
}

export type PageName = 'jobs' | 'trail' | 'purge' | 'system';

/** The pages in the navigation for a role, in order. System (readiness) is for everyone. */
export function pagesFor(role: Role): PageName[] {
  const pages: PageName[] = [];
  if (can(role, Capability.ListJobs)) pages.push('jobs');
  if (can(role, Capability.ReadTrail)) pages.push('trail');
  if (can(role, Capability.Purge)) pages.push('purge');
  pages.push('system');
  return pages;
}

/** Where a role lands after signing in. */
export function homePage(role: Role): PageName {
  return pagesFor(role)[0];
}
