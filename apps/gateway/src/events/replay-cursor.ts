import { isTerminalEvent } from '@crux/contracts';

/**
 * Tracks an SSE replay: which events the client has not seen yet (those after its
 * Last-Event-ID) and whether the job has ended. The stream replays from the job's first
 * event, so a client resuming after the terminal event is still known to be done.
 */
export class ReplayCursor {
  private terminalSeen: boolean;
  private emitted = 0;

  /** `ended`: the job is known to be over already (job-state says so, and its events are gone). */
  constructor(
    private readonly lastEventId: number | null,
    ended = false,
  ) {
    this.terminalSeen = ended;
  }

  /** Records an event; true when the client should be sent it. */
  step(item: { seq: number; type: string }): boolean {
    if (isTerminalEvent(item.type)) this.terminalSeen = true;
    const emit = this.lastEventId === null || item.seq > this.lastEventId;
    if (emit) this.emitted++;
    return emit;
  }

  /** The job has ended: after what is already stored, there is nothing more to wait for. */
  get ended(): boolean {
    return this.terminalSeen;
  }

  /** Nothing was sent: the client had already seen every event. */
  get nothingNew(): boolean {
    return this.emitted === 0;
  }
}

/** Parses the Last-Event-ID header: a JOBS stream sequence this gateway handed out. */
export function parseLastEventId(header: string | string[] | undefined): number | null | 'invalid' {
  if (header === undefined || header === '') return null;
  if (Array.isArray(header) || !/^\d{1,15}$/.test(header.trim())) return 'invalid';
  return Number(header.trim());
}
