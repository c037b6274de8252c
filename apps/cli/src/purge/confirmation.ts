/**
 * The typed confirmation of a purge: the operator types the number of jobs the plan holds.
 * Typing a number (not "y") means having read the plan; anything else, an empty line or
 * Ctrl-D aborts. With no terminal to ask, nothing is confirmed unless --yes said so upfront.
 */
export type Confirmation =
  { kind: 'confirmed'; by: 'yes-flag' | 'typed-count' } | { kind: 'no-terminal' } | { kind: 'declined'; typed: string };

export const CONFIRM_QUESTION = 'Type the number of jobs shown above to purge them (anything else aborts): ';

/** True when `typed` is the count, as digits with or without thousands separators (`1234`, `1,234`). */
export function isCountTyped(typed: string, count: number): boolean {
  const answer = typed.trim();
  return answer === String(count) || answer === count.toLocaleString('en-US');
}

export async function confirmPurge(
  count: number,
  options: { yes: boolean; ask?: (question: string) => Promise<string> },
): Promise<Confirmation> {
  if (options.yes) return { kind: 'confirmed', by: 'yes-flag' };
  if (!options.ask) return { kind: 'no-terminal' };
  const typed = await options.ask(CONFIRM_QUESTION);
  return isCountTyped(typed, count) ? { kind: 'confirmed', by: 'typed-count' } : { kind: 'declined', typed };
}
