import { fork } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from '@jest/globals';
import { defaultChildPath } from '../src/pool/child-path.js';

/**
 * Loaded into a child with --import: records every module the child resolves (ESM imports, and
 * require calls inside packages) and answers 'imports?' over IPC with the list.
 */
const RECORDER = `
import { registerHooks } from 'node:module';
const urls = new Set();
registerHooks({ resolve(specifier, context, next) { const resolved = next(specifier, context); urls.add(resolved.url); return resolved; } });
process.on('message', (m) => { if (m === 'imports?') process.send({ imports: [...urls] }); });
`;

/**
 * Every cancel kills a pool child and the pool starts a new one, so what a child loads at
 * start is paid once per cancel, on the cores the other children being killed need. The child
 * loads the solver and the contracts' core, nothing else: no package (the request DTOs'
 * class-validator, Nest, NATS) and no OpenAI provider, which is imported by the first job that
 * asks for it.
 */
describe('what a pool child loads at start', () => {
  const children: ReturnType<typeof fork>[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('is the solver and the contracts core: no package, no OpenAI provider, no HTTP or TLS', async () => {
    const child = fork(defaultChildPath(), [], {
      execArgv: ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`],
      env: { ...process.env, CRUX_PROVIDER: 'simulated' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const [ready] = (await once(child, 'message')) as [{ type: string }];
    expect(ready.type).toBe('ready');
    child.send('imports?');
    const [{ imports }] = (await once(child, 'message')) as [{ imports: string[] }];

    // The recorder saw the graph: the entry's own imports are there.
    expect(imports).toEqual(expect.arrayContaining([expect.stringMatching(/\/dist\/solving\/solve-job\.js$/)]));
    expect(imports).toEqual(expect.arrayContaining([expect.stringMatching(/\/libs\/contracts\/dist\/core\.js$/)]));

    expect(imports.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    expect(imports.filter((url) => /\/libs\/contracts\/dist\/(index|dto\/solve-request|dto\/admin-requests)\.js$/.test(url))).toEqual([]);
    expect(imports.filter((url) => /\/dist\/solving\/openai-[^/]*\.js$/.test(url))).toEqual([]);
    expect(imports.filter((url) => ['node:http', 'node:https', 'node:tls', 'node:net'].includes(url))).toEqual([]);
  });
});
