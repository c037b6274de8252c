/**
 * What the health port asks a service: each check answers null when fine, or a sentence
 * saying what is wrong. Liveness checks only what a restart would cure; readiness asks the
 * servers the service depends on for a real answer.
 */
import type { NatsConnection } from '@nats-io/transport-node';

export type HealthCheck = () => string | null | Promise<string | null>;

export interface HealthChecks {
  /** Is the process still able to work at all? Failing it gets the process restarted. */
  live: Record<string, HealthCheck>;
  /** Can it do its work now? Failing it keeps traffic and rollouts waiting, without a restart. */
  ready: Record<string, HealthCheck>;
}

/** Live while the connection is open: it reconnects forever, so a closed one never comes back. */
export function natsOpen(nc: NatsConnection): HealthCheck {
  return () => (nc.isClosed() ? 'the NATS connection is closed' : null);
}

/** Ready when the NATS server answers a ping on the service's own connection. */
export function natsAnswers(nc: NatsConnection): HealthCheck {
  return async () => {
    try {
      await nc.rtt();
      return null;
    } catch (error) {
      return `NATS does not answer: ${(error as Error).message}`;
    }
  };
}

/** The part of an ioredis client the check uses. */
export interface RedisLike {
  status: string;
  ping(): Promise<string>;
}

/** Ready when Redis answers a PING on the connection given. */
export function redisAnswers(redis: RedisLike): HealthCheck {
  return async () => {
    if (redis.status !== 'ready') return `Redis is not connected (${redis.status})`;
    try {
      await redis.ping();
      return null;
    } catch (error) {
      return `Redis does not answer: ${(error as Error).message}`;
    }
  };
}
