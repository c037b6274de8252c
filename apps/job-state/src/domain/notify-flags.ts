/**
 * Merges the keyspace notification classes job-state needs (E keyevent, x expired, g generic
 * commands such as DEL) into what the server already has, so other users keep theirs.
 */
export function mergeNotifyFlags(current: string, wanted = 'Exg'): string {
  let merged = current;
  for (const flag of wanted) {
    // `A` is the alias for every class, including x and g.
    const covered = merged.includes(flag) || (merged.includes('A') && flag !== 'E' && flag !== 'K');
    if (!covered) merged += flag;
  }
  return merged;
}
