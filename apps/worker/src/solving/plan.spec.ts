import { describe, expect, it } from '@jest/globals';
import { parsePlan } from './plan.js';

describe('reading a professor plan', () => {
  it('reads numbered, bulleted and bold role lines', () => {
    const roles = parsePlan('Plan:\n1. Physicist: optics\n- **Chemist**: molecules\n3) Poet: wonder', 3);
    expect(roles).toEqual([
      { name: 'Physicist', focus: 'optics' },
      { name: 'Chemist', focus: 'molecules' },
      { name: 'Poet', focus: 'wonder' },
    ]);
  });

  it('cuts a long plan short and tops a short one up, without duplicates', () => {
    expect(parsePlan('1. A: a\n2. B: b\n3. C: c', 2).map((r) => r.name)).toEqual(['A', 'B']);
    expect(parsePlan('1. A: a\n2. a: again', 3).map((r) => r.name)).toEqual(['A', 'generalist 2', 'generalist 3']);
  });
});
