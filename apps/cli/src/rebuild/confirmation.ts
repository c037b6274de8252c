/**
 * The confirmation of `crux rebuild-state`: a plain y/N. A rebuild deletes nothing and only
 * writes back what Redis lacks or holds older, so reading the explanation and answering "y"
 * is enough (purge, which deletes, makes the operator type the count instead). With no
 * terminal to ask, nothing is confirmed unless --yes said so upfront.
 */
export type RebuildConfirmation =
  { kind: 'confirmed'; by: 'yes-flag' | 'answered-yes' } | { kind: 'no-terminal' } | { kind: 'declined'; typed: string };

export const REBUILD_QUESTION = 'Rebuild the live state from JOBS now? [y/N] ';

/** `y` or `yes` in any case; anything else, an empty line included, means no. */
export function isYes(typed: string): boolean {
  return /^(y|yes)$/i.test(typed.trim());
}

export async function confirmRebuild(options: { yes: boolean; ask?: (question: string) => Promise<string> }): Promise<RebuildConfirmation> {
  if (options.yes) return { kind: 'confirmed', by: 'yes-flag' };
  if (!options.ask) return { kind: 'no-terminal' };
  const typed = await options.ask(REBUILD_QUESTION);
  return isYes(typed) ? { kind: 'confirmed', by: 'answered-yes' } : { kind: 'declined', typed };
}
