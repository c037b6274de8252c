import { StreamName } from '@crux/contracts';
import { auditStreamConfig, type JetStreamManager } from '@crux/messaging';

/**
 * Makes sure the AUDIT stream keeps everything and refuses edits: deny_delete and
 * deny_purge set, no age, count or size limit. ensureAuditStream creates the stream that
 * way but leaves an existing one's guards as they are; the server allows tightening them
 * (never lifting), so a trail found loose is tightened here. Returns what was tightened.
 */
export async function enforceTrailGuards(jsm: JetStreamManager, streamReplicas: number): Promise<string[]> {
  const wanted = auditStreamConfig({ streamReplicas });
  const current = (await jsm.streams.info(StreamName.Audit)).config;
  const loose: string[] = [];
  if (!current.deny_delete) loose.push('deny_delete');
  if (!current.deny_purge) loose.push('deny_purge');
  if (current.max_age !== 0) loose.push('max_age');
  if (current.max_msgs !== -1) loose.push('max_msgs');
  if (current.max_bytes !== -1) loose.push('max_bytes');
  if (loose.length > 0) {
    await jsm.streams.update(StreamName.Audit, {
      deny_delete: true,
      deny_purge: true,
      max_age: wanted.max_age,
      max_msgs: wanted.max_msgs,
      max_bytes: wanted.max_bytes,
    });
  }
  return loose;
}
