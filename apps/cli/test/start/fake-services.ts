import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes stand-ins for the built services into `<root>/apps/<name>/dist/main.js`, where
 * `npm start` looks for them. Each prints what it was given, its ready line after a
 * moment, stops on SIGTERM saying so, and exits with code 3 when `<root>/crash-<name>`
 * appears, like a service dying.
 */
export function writeFakeServices(root: string, names: string[], options: { neverReady?: string } = {}): void {
  for (const name of names) {
    const dir = join(root, 'apps', name, 'dist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'main.js'),
      `import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
const keys = (process.env.CRUX_API_KEYS ?? '').split(',').map((entry) => entry.split(':').slice(0, 2).join(':')).join(',');
console.log('given NATS_URL=' + process.env.NATS_URL + ' REDIS_URL=' + process.env.REDIS_URL + ' keys=' + keys);
let server;
if (${JSON.stringify(name)} === 'gateway') server = createServer((req, res) => res.end('ok')).listen(Number(process.env.CRUX_HTTP_PORT), '127.0.0.1');
${options.neverReady === name ? "console.error('cannot connect to anything'); process.exit(4);" : `setTimeout(() => console.log('crux-${name} ready'), 20);`}
const timer = setInterval(() => {
  if (existsSync(${JSON.stringify(join(root, `crash-${name}`))})) {
    console.error('crashing');
    process.exit(3);
  }
}, 50);
process.on('SIGTERM', () => {
  console.log('stopping on SIGTERM');
  clearInterval(timer);
  server?.close();
  process.exit(0);
});
`,
    );
  }
}
