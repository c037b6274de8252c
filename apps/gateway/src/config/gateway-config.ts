import type { Settings } from '@crux/contracts';
import type { ApiKeyRegistry } from '../auth/api-key-registry.js';

/** Everything the gateway's providers read: the env settings plus knobs that are not env settings. */
export interface GatewayConfig {
  settings: Settings;
  /** The API keys, loaded and checked once at start (CRUX_API_KEYS and CRUX_API_KEYS_FILE). */
  keys: ApiKeyRegistry;
  /** Interval of the comment line that keeps idle SSE connections open through proxies. */
  sseHeartbeatMs: number;
  /** How long DELETE /jobs/{id} waits for job-state to show the job cancelled before answering with it as it is. */
  cancelWaitMs: number;
  /**
   * Timeout of commands that change state (purge plan and confirm, restore, hold, release):
   * job-state answers them only once its projection shows the change, which takes longer
   * than a read.
   */
  commandTimeoutMs: number;
  /** Timeout of `audit.verify`, which re-hashes the whole trail. */
  verifyTimeoutMs: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
export const DEFAULT_CANCEL_WAIT_MS = 5000;

/** Commands and verification scale with CRUX_REQUEST_TIMEOUT_MS (5 s → 15 s and 60 s). */
export const commandTimeoutFor = (settings: Settings) => settings.requestTimeoutMs * 3;
export const verifyTimeoutFor = (settings: Settings) => settings.requestTimeoutMs * 12;
