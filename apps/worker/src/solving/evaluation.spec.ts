import { describe, expect, it } from '@jest/globals';
import { NO_FEEDBACK, parseEvaluation } from './evaluation.js';

describe('reading a reviewer reply', () => {
  it('reads the labelled format', () => {
    expect(parseEvaluation('SCORE: 0.72\nSTOP: no\nFEEDBACK: add an example')).toEqual({
      score: 0.72,
      stop: false,
      feedback: 'add an example',
    });
    expect(parseEvaluation('score = 0.9\nstop: YES\nfeedback: fine')).toEqual({ score: 0.9, stop: true, feedback: 'fine' });
  });

  it('reads markdown labels and explicit scales', () => {
    expect(parseEvaluation('**Score:** 7/10\n**Stop:** no\n**Feedback:** cite a source')).toEqual({
      score: 0.7,
      stop: false,
      feedback: 'cite a source',
    });
    expect(parseEvaluation('Rating: 90%\nDone: yes\nFeedback: good').score).toBeCloseTo(0.9);
    expect(parseEvaluation('Score: 4/5').score).toBeCloseTo(0.8);
  });

  it('reads JSON, and scores out of 10 or 100', () => {
    expect(parseEvaluation('Here: {"score": 8, "stop": true, "feedback": "ok"}')).toEqual({ score: 0.8, stop: true, feedback: 'ok' });
    expect(parseEvaluation('SCORE: 85\nSTOP: no\nFEEDBACK: x').score).toBeCloseTo(0.85);
  });

  it('reads JSON inside a code fence after prose that has braces of its own', () => {
    const reply =
      'The set {a, b} is fine.\n```json\n{\n  "Score": "0.65",\n  "stop": "yes",\n  "feedback": ["name {the} units", "shorter"]\n}\n```\nThat is all.';
    expect(parseEvaluation(reply)).toEqual({ score: 0.65, stop: true, feedback: 'name {the} units\nshorter' });
  });

  it('reads scores given as strings with a scale, and a score nested one level down', () => {
    expect(parseEvaluation('{"score": "8/10", "stop": false, "feedback": "more"}')).toEqual({ score: 0.8, stop: false, feedback: 'more' });
    expect(parseEvaluation('{"verdict": {"rating": 60, "done": 1}}')).toEqual({ score: 0.6, stop: true, feedback: NO_FEEDBACK });
  });

  it('fills in missing fields: no stop means go on, no feedback means a generic nudge', () => {
    expect(parseEvaluation('{"score": 0.4}')).toEqual({ score: 0.4, stop: false, feedback: NO_FEEDBACK });
    expect(parseEvaluation('SCORE: 0.3')).toEqual({ score: 0.3, stop: false, feedback: 'SCORE: 0.3' });
  });

  it('treats a reply without a score as a failing review that does not stop', () => {
    expect(parseEvaluation('I cannot judge this.')).toEqual({ score: 0, stop: false, feedback: 'I cannot judge this.' });
    expect(parseEvaluation('{"stop": true, "feedback": "looks done"}')).toMatchObject({ score: 0, stop: false });
  });

  it('never throws on garbage, and keeps scores within 0..1', () => {
    for (const reply of [
      '',
      '   ',
      '{',
      '{"score": }',
      '}{',
      '{"score": "high"}',
      'SCORE: -3',
      '{"score": 1e400}',
      null,
      undefined,
      42,
      '\u0000\uffff',
    ]) {
      const evaluation = parseEvaluation(reply);
      expect(evaluation.score).toBeGreaterThanOrEqual(0);
      expect(evaluation.score).toBeLessThanOrEqual(1);
      expect(evaluation.stop).toBe(false);
      expect(evaluation.feedback.length).toBeGreaterThan(0);
    }
    expect(parseEvaluation('')).toEqual({ score: 0, stop: false, feedback: NO_FEEDBACK });
    expect(parseEvaluation('{"score": 250}').score).toBe(1);
  });
});
