/**
 * Where a page of a newest-first listing ended: the creation score and id of its last job.
 * Jobs created in the same millisecond share a score, so the id breaks the tie.
 */
export interface ListPosition {
  score: number;
  id: string;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.score}:${position.id}`, 'utf8').toString('base64url');
}

/** Null for anything this service did not hand out. */
export function decodeCursor(cursor: string): ListPosition | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const scoreText = text.slice(0, colon);
  const id = text.slice(colon + 1);
  const score = Number(scoreText);
  if (!/^-?\d+(\.\d+)?$/.test(scoreText) || !Number.isFinite(score) || !id) return null;
  return { score, id };
}

/**
 * Whether `member` at `score` comes after `position` in newest-first order, which is the
 * order of ZRANGE … BYSCORE REV: score descending, then member descending (byte order).
 */
export function comesAfter(score: number, member: string, position: ListPosition): boolean {
  if (score !== position.score) return score < position.score;
  return Buffer.compare(Buffer.from(member), Buffer.from(position.id)) < 0;
}
