/**
 * The prompts of the self-evolve pipeline. Sections are labelled (`Question:`,
 * `Candidate answer:`) so any model, including the simulated one, can find its inputs.
 */
import type { ChatMessage } from './model-provider.js';

export interface SolveTask {
  question: string;
  context?: string;
  /** A specialist's role; absent for a plain basic solve. */
  role?: SpecialistRole;
}

export interface SpecialistRole {
  name: string;
  focus: string;
}

export const EVALUATION_FORMAT =
  'SCORE: <a number from 0 to 1>\nSTOP: <yes if the answer needs no further refinement, otherwise no>\nFEEDBACK: <what to improve>';

function taskSection(task: SolveTask): string {
  const parts = [`Question:\n${task.question}`];
  if (task.context) parts.push(`Context:\n${task.context}`);
  return parts.join('\n\n');
}

function solverSystem(task: SolveTask): string {
  return task.role
    ? `You are the ${task.role.name} on a panel of specialists. Your focus: ${task.role.focus}. Answer from that angle, precisely and completely.`
    : 'You are a careful problem solver. Answer the question precisely and completely.';
}

export function generateMessages(task: SolveTask): ChatMessage[] {
  return [
    { role: 'system', content: solverSystem(task) },
    { role: 'user', content: `${taskSection(task)}\n\nWrite your best answer.` },
  ];
}

export function refineMessages(task: SolveTask, candidate: string, feedback: string): ChatMessage[] {
  return [
    { role: 'system', content: solverSystem(task) },
    {
      role: 'user',
      content: `${taskSection(task)}\n\nCandidate answer:\n${candidate}\n\nReviewer feedback:\n${feedback}\n\nRewrite the answer so that it addresses the feedback. Reply with the improved answer only.`,
    },
  ];
}

export function evaluateMessages(task: SolveTask, candidate: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `You are a strict reviewer. Judge how well the candidate answers the question. Reply exactly in this format:\n${EVALUATION_FORMAT}`,
    },
    { role: 'user', content: `${taskSection(task)}\n\nCandidate answer:\n${candidate}` },
  ];
}

export function planMessages(task: SolveTask, count: number): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are a professor assembling a panel of specialists to answer a hard question. Each specialist studies it from a different angle.',
    },
    {
      role: 'user',
      content: `${taskSection(task)}\n\nPlan exactly ${count} specialists. Reply with one line per specialist, formatted as:\n<number>. <role name>: <what this specialist focuses on>`,
    },
  ];
}

export function synthesizeMessages(task: SolveTask, findings: ReadonlyArray<{ role: string; output: string }>): ChatMessage[] {
  const panel = findings.map((f, i) => `Specialist ${i + 1} (${f.role}):\n${f.output}`).join('\n\n');
  return [
    {
      role: 'system',
      content:
        'You are a professor. Combine your specialists’ answers into one answer that keeps what each got right and resolves their disagreements.',
    },
    { role: 'user', content: `${taskSection(task)}\n\nSpecialists' answers:\n\n${panel}\n\nWrite the combined answer.` },
  ];
}
