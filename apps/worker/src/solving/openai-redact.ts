/**
 * Keeping credentials out of everything the openai provider says. Servers echo keys back
 * (OpenAI's 401 names a masked key, proxies reflect headers), and whatever we build from
 * their answers ends up in job events, logs and API responses.
 */
export const REDACTED = '[redacted]';

const PATTERNS: readonly RegExp[] = [
  // An Authorization header or bearer token, however it was echoed.
  /\b(authorization)(["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+)?[^\s"',;}]+/gi,
  /\b(bearer)(\s+)[^\s"',;}]+/gi,
  // `api_key=…`, `"api-key": "…"`, `x-api-key: …`.
  /\b((?:x-)?api[_-]?key)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi,
];

/** OpenAI-style secret keys, masked or not (`sk-abc…`, `sk-proj-12**********xyz`). */
const SECRET_KEY = /\bsk-[A-Za-z0-9_*.-]{3,}/g;

/** `text` with every given secret, every Authorization/bearer value and every key-shaped token replaced. */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary words; such a key is no secret anyway.
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of PATTERNS) out = out.replace(pattern, (_match, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  return out.replace(SECRET_KEY, REDACTED);
}

/** A short, single-line, redacted excerpt of a server's text for an error message. */
export function excerpt(text: string, secrets: ReadonlyArray<string | null | undefined> = [], maxChars = 200): string {
  const line = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
