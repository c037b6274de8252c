/** Addresses and ports: what a URL setting points at, and whether anything answers there. */
import { connect } from 'node:net';

/**
 * The host and port of the first server in a URL setting (`nats://a:4222,nats://b:4222`,
 * `redis://:pw@host:6379/0`, or a bare `host:port`).
 * @param {string} setting
 * @param {number} defaultPort
 * @returns {{ host: string, port: number, hasAuth: boolean }}
 */
export function endpointOf(setting, defaultPort) {
  const first = setting.split(',')[0].trim();
  const url = new URL(first.includes('://') ? first : `tcp://${first}`);
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host, port: url.port ? Number(url.port) : defaultPort, hasAuth: url.username !== '' || url.password !== '' };
}

/** @param {string} host */
export function isLocalHost(host) {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '0.0.0.0';
}

/**
 * True when something accepts a TCP connection on host:port.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function portAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls until `probe` is true; false once `timeoutMs` passed or `stop` says to give up.
 * @param {() => Promise<boolean>} probe
 * @param {{ timeoutMs: number, intervalMs?: number, stop?: () => boolean }} options
 * @returns {Promise<boolean>}
 */
export async function pollUntil(probe, { timeoutMs, intervalMs = 100, stop }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (stop?.() || Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
