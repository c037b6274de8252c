import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectIds, parseIdList } from './id-list.js';

describe('id lists', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crux-cli-ids-'));
    writeFileSync(join(dir, 'ids.txt'), '# stale jobs\na1\na2, a3\n\n  a4 a1  # a1 again\r\na5\n');
    writeFileSync(join(dir, 'empty.txt'), '# nothing here\n\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('splits on newlines, spaces and commas, and drops comments', () => {
    expect(parseIdList('a,b , c\nd\te # e is last\n#f')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(parseIdList('')).toEqual([]);
  });

  it('merges positionals, --ids and --ids-file, in order and without repeats', () => {
    expect(collectIds('purge', { positionals: ['p1', 'a2'], ids: ['x1,x2', 'x3'], idsFile: 'ids.txt' }, dir)).toEqual([
      'p1',
      'a2',
      'x1',
      'x2',
      'x3',
      'a1',
      'a3',
      'a4',
      'a5',
    ]);
    expect(collectIds('purge', {}, dir)).toEqual([]);
  });

  it('names a file it cannot use, and an empty --ids', () => {
    expect(() => collectIds('purge', { idsFile: 'missing.txt' }, dir)).toThrow('cannot read --ids-file missing.txt: no such file');
    expect(() => collectIds('purge', { idsFile: '.' }, dir)).toThrow('cannot read --ids-file .: it is a directory');
    expect(() => collectIds('purge', { idsFile: 'empty.txt' }, dir)).toThrow('--ids-file empty.txt holds no job ids');
    expect(() => collectIds('purge', { ids: [' , '] }, dir)).toThrow('--ids needs at least one job id');
  });
});
