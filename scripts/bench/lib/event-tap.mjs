/**
 * Hears job events the way any client can, on core NATS subscriptions (a JetStream publish
 * reaches core subscribers), and lets a benchmark wait for one job's event of a given type.
 * For low rates (a few hundred events a second): every event is decoded and kept with the
 * epoch time it arrived.
 */
import { Subjects } from '@crux/contracts';
import { epochNow } from './clock.mjs';

/**
 * @typedef {object} Heard
 * @property {any} event      the decoded envelope
 * @property {number} at      epoch ms it arrived here
 */

export class EventTap {
  /**
   * @param {import('@crux/messaging').NatsConnection} nc
   * @param {string[]} types  job event types to hear (subject token: started, cancel, revoked …)
   */
  constructor(nc, types) {
    /** @type {Map<string, Heard>} `${type} ${jobId}` → the first one heard */
    this.heard = new Map();
    /** @type {Map<string, Array<(heard: Heard) => void>>} */
    this.waiters = new Map();
    this.subs = types.map((type) =>
      nc.subscribe(Subjects.eventsOfType(/** @type {any} */ (type)), {
        callback: (error, msg) => {
          if (error) return;
          const at = epochNow();
          const jobId = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
          const key = `${type} ${jobId}`;
          if (this.heard.has(key)) return;
          /** @type {Heard} */
          const heard = { event: msg.json(), at };
          this.heard.set(key, heard);
          for (const resolve of this.waiters.get(key) ?? []) resolve(heard);
          this.waiters.delete(key);
        },
      }),
    );
  }

  /**
   * @param {string} type
   * @param {string} jobId
   * @returns {Heard | undefined}
   */
  get(type, jobId) {
    return this.heard.get(`${type} ${jobId}`);
  }

  /**
   * The job's event of this type, heard already or when it comes; rejects after `timeoutMs`.
   * @param {string} type
   * @param {string} jobId
   * @param {number} timeoutMs
   * @returns {Promise<Heard>}
   */
  when(type, jobId, timeoutMs) {
    const key = `${type} ${jobId}`;
    const known = this.heard.get(key);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(key) ?? [];
        this.waiters.set(
          key,
          list.filter((w) => w !== done),
        );
        reject(new Error(`no job.${type}.${jobId} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = (/** @type {Heard} */ heard) => {
        clearTimeout(timer);
        resolve(heard);
      };
      const list = this.waiters.get(key) ?? [];
      list.push(done);
      this.waiters.set(key, list);
    });
  }

  close() {
    for (const sub of this.subs) sub.unsubscribe();
  }
}
