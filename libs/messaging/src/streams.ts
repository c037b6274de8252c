/**
 * JetStream stream configurations, in one place, and their provisioning.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { StreamName, Subjects } from '@crux/contracts';

const NANOS_PER_MS = 1_000_000;
const nanos = (ms: number) => ms * NANOS_PER_MS;

export interface StreamSettings {
  archiveRetentionS: number;
  streamReplicas: number;
}

/** The event log: every job event, kept for the archive retention window. */
export function jobsStreamConfig(s: StreamSettings): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: StreamName.Jobs,
    subjects: Subjects.jobsStreamSubjects(),
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(s.archiveRetentionS * 1000),
    // Long enough that a publisher retrying after a reconnect is still de-duplicated.
    duplicate_window: nanos(2 * 60 * 1000),
    num_replicas: s.streamReplicas,
    allow_direct: true,
  };
}

/** Creates the stream, or brings an existing one up to date with `config`. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string; subjects: string[] },
): Promise<void> {
  try {
    const info = await jsm.streams.info(config.name);
    const current = info.config;
    const changed =
      current.subjects.join(',') !== config.subjects.join(',') ||
      current.max_age !== config.max_age ||
      current.duplicate_window !== config.duplicate_window ||
      (config.num_replicas !== undefined && current.num_replicas !== config.num_replicas);
    if (changed) {
      // A cluster grown from one node (or CRUX_STREAM_REPLICAS raised) gets its replicas here.
      await jsm.streams.update(config.name, {
        subjects: config.subjects,
        max_age: config.max_age,
        duplicate_window: config.duplicate_window,
        ...(config.num_replicas !== undefined ? { num_replicas: config.num_replicas } : {}),
      });
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

export async function ensureJobsStream(jsm: JetStreamManager, s: StreamSettings): Promise<void> {
  await ensureStream(jsm, jobsStreamConfig(s));
}

export function isNotFound(error: unknown): boolean {
  const e = error as { code?: unknown; message?: string; api_error?: { err_code?: number } };
  return (
    e?.api_error?.err_code === 10059 || // stream not found
    e?.api_error?.err_code === 10014 || // consumer not found
    e?.api_error?.err_code === 10037 || // no message found
    /not found/i.test(String(e?.message ?? ''))
  );
}

/**
 * The permanent trail: no age or size limit, and the server itself refuses message deletes
 * and purges (deny_delete, deny_purge), so not even a service with stream rights can
 * rewrite history.
 */
export function auditStreamConfig(s: Pick<StreamSettings, 'streamReplicas'>): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: StreamName.Audit,
    subjects: Subjects.auditStreamSubjects(),
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    deny_delete: true,
    deny_purge: true,
    duplicate_window: nanos(2 * 60 * 1000),
    num_replicas: s.streamReplicas,
    allow_direct: true,
  };
}

export async function ensureAuditStream(jsm: JetStreamManager, s: Pick<StreamSettings, 'streamReplicas'>): Promise<void> {
  await ensureStream(jsm, auditStreamConfig(s));
}
