import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS_DOC } from './settings.js';

// The README's configuration table must name every setting the services read.
describe('README configuration table', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  it.each(SETTINGS_DOC.map((s) => s.name))('documents %s', (name) => {
    expect(readme).toContain(`\`${name}\``);
  });
});
