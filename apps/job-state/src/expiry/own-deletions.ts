/** How long after its own deletion a `del` notification for a job is taken as that deletion's. */
const REMEMBER_MS = 10_000;

/**
 * Jobs this replica's projector is deleting, noted just before the script runs. The keyspace
 * `del` notification of every such deletion then needs no Redis round trip to be told apart
 * from an outside DEL (it would be anyway: our script removes the index entries with the key).
 * A purge of 100,000 jobs would otherwise check 100,000 keys for nothing.
 */
export class OwnDeletions {
  private readonly until = new Map<string, number>();
  private sweptAt = 0;

  note(jobIds: Iterable<string>, now = Date.now()): void {
    for (const id of jobIds) this.until.set(id, now + REMEMBER_MS);
    if (now - this.sweptAt > REMEMBER_MS) {
      this.sweptAt = now;
      for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
    }
  }

  has(jobId: string, now = Date.now()): boolean {
    return (this.until.get(jobId) ?? 0) > now;
  }
}
