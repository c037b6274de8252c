/**
 * The console's address inside the page: a hash route (`#/jobs/<id>`), so the gateway
 * serves one document and the job id never leaves the browser in a request path.
 */
import type { PageName } from './roles';

export type Route = { page: PageName } | { page: 'job'; jobId: string };

const PAGES: readonly PageName[] = ['jobs', 'trail', 'purge', 'system'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The route of a location hash; null for anything it does not name (the caller goes home). */
export function parseRoute(hash: string): Route | null {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '');
  if (parts.length === 2 && parts[0] === 'jobs' && UUID.test(parts[1])) return { page: 'job', jobId: parts[1].toLowerCase() };
  if (parts.length === 1 && (PAGES as readonly string[]).includes(parts[0])) return { page: parts[0] as PageName };
  return null;
}

export function routeHash(route: Route): string {
  return route.page === 'job' ? `#/jobs/${route.jobId}` : `#/${route.page}`;
}
