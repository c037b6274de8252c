/**
 * Loaded into every service process (and the worker's pool children) with
 * `node --import` when BENCH_PROFILE_DIR is set: samples the CPU with the inspector from
 * start to exit and writes `<dir>/<app>-<pid>.cpuprofile` (Chrome DevTools format). Node 20
 * refuses --cpu-prof in NODE_OPTIONS, hence the inspector. A profiled process exits at once
 * on SIGTERM, without the service's graceful shutdown: profile runs are for finding where
 * the time goes, and their figures are not comparable with normal runs.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () =>
    session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
  );
  const script = process.argv[1] ?? 'node';
  // apps/<app>/dist/main.js → <app>; the pool's child → worker-child; a baseline → its file name.
  const app = /apps\/([^/]+)\/dist\//.exec(script)?.[1];
  const name = script.includes('child-main') ? 'worker-child' : (app ?? basename(script).replace(/\.m?js$/, ''));
  let written = false;
  const finish = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      process.exit(0);
    });
  };
  process.on('SIGTERM', finish);
  // A pool child ends when its parent goes.
  process.on('disconnect', finish);
}
