import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli.js';
import { ExitCode } from '../src/exit-codes.js';
import { fakeIo } from './support/fake-io.js';

const sha = (secret: string) => createHash('sha256').update(secret).digest('hex');

describe('crux keys add', () => {
  let dir: string;
  let parseApiKeyFile: (text: string) => { name: string; role: string; sha256: string }[];

  beforeAll(async () => {
    ({ parseApiKeyFile } = await import('@crux/contracts'));
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crux-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates ./crux-api-keys, writes the digest of a new URL-safe secret and prints the secret once', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['keys', 'add', 'alice', '--role', 'submitter'], io)).toBe(ExitCode.Ok);
    const secret = io.out().trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const text = readFileSync(join(dir, 'crux-api-keys'), 'utf8');
    expect(text).not.toContain(secret);
    expect(parseApiKeyFile(text)).toEqual([{ name: 'alice', role: 'submitter', sha256: sha(secret) }]);
    expect(statSync(join(dir, 'crux-api-keys')).mode & 0o077).toBe(0);
    expect(io.err()).toContain("added key 'alice' (submitter)");
    expect(io.err()).not.toContain(secret);
  });

  it('appends to CRUX_API_KEYS_FILE, keeping what is there, with a fresh secret each time', async () => {
    const file = join(dir, 'keys');
    writeFileSync(file, `# mine\nops:operator:${'a'.repeat(64)}`);
    const first = fakeIo({ cwd: '/', env: { CRUX_API_KEYS_FILE: file } });
    expect(await run(['keys', 'add', 'bob', '--role', 'auditor'], first)).toBe(ExitCode.Ok);
    const second = fakeIo({ cwd: '/', env: { CRUX_API_KEYS_FILE: file } });
    expect(await run(['keys', 'add', 'carol', '--role', 'operator', '--json'], second)).toBe(ExitCode.Ok);
    const carol = JSON.parse(second.out());
    expect(carol).toMatchObject({ name: 'carol', role: 'operator', file });
    expect(carol.secret).not.toBe(first.out().trim());
    const keys = parseApiKeyFile(readFileSync(file, 'utf8'));
    expect(keys.map((k) => k.name)).toEqual(['ops', 'bob', 'carol']);
    expect(keys[1].sha256).toBe(sha(first.out().trim()));
    expect(keys[2].sha256).toBe(sha(carol.secret));
  });

  it('--file wins over CRUX_API_KEYS_FILE', async () => {
    const io = fakeIo({ cwd: dir, env: { CRUX_API_KEYS_FILE: join(dir, 'env-file') } });
    expect(await run(['keys', 'add', 'a', '--role', 'operator', '--file', 'chosen'], io)).toBe(ExitCode.Ok);
    expect(parseApiKeyFile(readFileSync(join(dir, 'chosen'), 'utf8'))).toHaveLength(1);
  });

  it('refuses a name already in the file, changing nothing', async () => {
    const file = join(dir, 'keys');
    expect(await run(['keys', 'add', 'alice', '--role', 'submitter', '--file', file], fakeIo())).toBe(ExitCode.Ok);
    const before = readFileSync(file, 'utf8');
    const io = fakeIo();
    expect(await run(['keys', 'add', 'alice', '--role', 'operator', '--file', file], io)).toBe(ExitCode.Refused);
    expect(io.err()).toContain("already has a key named 'alice'");
    expect(io.out()).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([
    [['keys'], 'missing subcommand'],
    [['keys', 'remove', 'a'], "unknown subcommand 'remove'"],
    [['keys', 'add', 'a'], 'missing --role'],
    [['keys', 'add', 'a', '--role', 'admin'], "--role must be one of submitter, operator, auditor, got 'admin'"],
    [['keys', 'add', 'a:b', '--role', 'operator'], "key name 'a:b' must be"],
    [['keys', 'add', '--role', 'operator'], 'missing key name'],
  ])('refuses %j', async (argv, message) => {
    const io = fakeIo({ cwd: dir });
    expect(await run(argv, io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain(message);
  });
});
