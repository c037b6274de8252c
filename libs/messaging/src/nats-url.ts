/**
 * NATS_URL may carry credentials, `nats://user:password@host:4222` (one user per service,
 * deploy/nats/). The v3 client ignores credentials in a server URL, so they are taken out
 * here and passed as options. Percent-encoded characters in them are decoded.
 */
export interface NatsServers {
  servers: string[];
  user?: string;
  pass?: string;
}

export function parseNatsUrl(url: string): NatsServers {
  let user: string | undefined;
  let pass: string | undefined;
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((server) => {
      const match = /^([a-z]+:\/\/)?([^@/]*)@(.+)$/i.exec(server);
      if (!match) return server;
      const [, scheme = '', credentials, rest] = match;
      const colon = credentials.indexOf(':');
      const u = decodeURIComponent(colon === -1 ? credentials : credentials.slice(0, colon));
      const p = colon === -1 ? undefined : decodeURIComponent(credentials.slice(colon + 1));
      if ((user !== undefined && user !== u) || (pass !== undefined && pass !== p)) {
        throw new Error('NATS_URL gives different credentials for different servers; use one user for all');
      }
      user = u;
      pass = p;
      return `${scheme}${rest}`;
    });
  return { servers, ...(user !== undefined ? { user } : {}), ...(pass !== undefined ? { pass } : {}) };
}
