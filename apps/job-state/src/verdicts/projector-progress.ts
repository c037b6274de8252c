import { ConsumerName, StreamName } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import type { JudgedMark } from './judged-mark.js';

const POLL_MS = 5;

/**
 * How far the projector has judged JOBS: its durable consumer's ack floor. The projector acks
 * an event only after applying it and keeping its refusal if it refused it, so every event at
 * or below the floor has its verdict — whichever replica projects.
 */
export class ProjectorProgress {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly mark: JudgedMark,
  ) {}

  async judgedThrough(): Promise<number> {
    const info = await this.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector);
    return info.ack_floor.stream_seq;
  }

  /**
   * True once every event up to `seq` is judged; false when `timeoutMs` passes first. On the
   * projecting replica the projector wakes it; elsewhere it polls the ack floor.
   */
  async awaitJudged(seq: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const here = this.mark.wait(seq, timeoutMs);
    if (here && (await here)) return true;
    for (;;) {
      if ((await this.judgedThrough().catch(() => 0)) >= seq) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
