/**
 * The ops console: sign in with an API key, then the pages the key's role may use. The
 * route lives in the location hash, so the gateway serves one document at /console.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './lib/api';
import { pagesFor, homePage, type PageName } from './lib/roles';
import { parseRoute, routeHash, type Route } from './lib/route';
import { clearSession, loadSession, saveSession, type StoredSession } from './lib/session';
import { JobPage } from './pages/job';
import { JobsPage } from './pages/jobs';
import { PurgePage } from './pages/purge';
import { SignIn } from './pages/sign-in';
import { SystemPage } from './pages/system';
import { TrailPage } from './pages/trail';

const TITLES: Record<PageName, string> = { jobs: 'Jobs', trail: 'Trail', purge: 'Purge', system: 'System' };

function currentRoute(): Route | null {
  return parseRoute(window.location.hash);
}

export function App() {
  const [session, setSession] = useState<StoredSession | null>(() => loadSession());
  const [route, setRoute] = useState<Route | null>(currentRoute);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const signOut = (why?: 'expired') => {
    clearSession();
    setSession(null);
    setExpired(why === 'expired');
  };

  const client = useMemo(
    () => (session ? new ApiClient({ key: session.key, onUnauthorised: () => signOut('expired') }) : null),
    [session?.key],
  );

  if (!session || !client) {
    return (
      <SignIn
        expired={expired}
        onSignedIn={(next) => {
          saveSession(next);
          setExpired(false);
          setSession(next);
        }}
      />
    );
  }

  const pages = pagesFor(session.role);
  // A page the role may not use (a link shared by someone else) goes home, like an unknown one.
  const allowed =
    route && (route.page === 'job' ? pages.includes('jobs') : pages.includes(route.page)) ? route : { page: homePage(session.role) };
  const active = allowed.page === 'job' ? 'jobs' : allowed.page;

  return (
    <>
      <header class="top">
        <span class="brand">Crux ops console</span>
        <nav aria-label="Pages">
          <ul>
            {pages.map((page) => (
              <li key={page}>
                <a href={routeHash({ page })} aria-current={page === active ? 'page' : undefined}>
                  {TITLES[page]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" data-testid="who">
          Signed in as <strong>{session.name}</strong> ({session.role})
        </span>
        <button type="button" class="secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main>
        {allowed.page === 'job' && <JobPage key={allowed.jobId} client={client} session={session} jobId={allowed.jobId} />}
        {allowed.page === 'jobs' && <JobsPage client={client} session={session} />}
        {allowed.page === 'trail' && <TrailPage client={client} linkJobs={pages.includes('jobs')} />}
        {allowed.page === 'purge' && <PurgePage client={client} />}
        {allowed.page === 'system' && <SystemPage client={client} session={session} />}
      </main>
    </>
  );
}
