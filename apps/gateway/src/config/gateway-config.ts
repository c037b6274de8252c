import type { Settings } from '@crux/contracts';

/** Everything the gateway's providers read: the env settings plus knobs that are not env settings. */
export interface GatewayConfig {
  settings: Settings;
  /** Interval of the comment line that keeps idle SSE connections open through proxies. */
  sseHeartbeatMs: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
