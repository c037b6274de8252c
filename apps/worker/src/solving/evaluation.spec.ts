import { describe, expect, it } from '@jest/globals';
import { parseEvaluation } from './evaluation.js';

describe('reading a reviewer reply', () => {
  it('reads the labelled format', () => {
    expect(parseEvaluation('SCORE: 0.72\nSTOP: no\nFEEDBACK: add an example')).toEqual({ score: 0.72, stop: false, feedback: 'add an example' });
    expect(parseEvaluation('score = 0.9\nstop: YES\nfeedback: fine')).toEqual({ score: 0.9, stop: true, feedback: 'fine' });
  });

  it('reads JSON, and scores out of 10 or 100', () => {
    expect(parseEvaluation('Here: {"score": 8, "stop": true, "feedback": "ok"}')).toEqual({ score: 0.8, stop: true, feedback: 'ok' });
    expect(parseEvaluation('SCORE: 85\nSTOP: no\nFEEDBACK: x').score).toBeCloseTo(0.85);
  });

  it('treats a reply without a score as a failing review that does not stop', () => {
    expect(parseEvaluation('I cannot judge this.')).toEqual({ score: 0, stop: false, feedback: 'I cannot judge this.' });
  });
});
