/** How times, durations and counts read in the console. */

/** `2026-11-28 12:10:04 UTC`, or '-' for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `1h 2m`, `9m 59s`, `42s`: the two largest units. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length === 0 && unit === 's')) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** The first characters of a hash, enough to tell records apart; the page shows the whole on demand. */
export function shortHash(hash: string | null | undefined, length = 12): string {
  if (!hash) return '-';
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}

/** `7d`, `12h`, `30m`, `1d12h` or seconds, as the CLI's --older-than reads them; null when it is not one. */
export function parseAge(text: string): number | null {
  const value = text.trim();
  if (value === '') return null;
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || match.slice(1).every((part) => part === undefined)) return null;
  const [w, d, h, m, s] = match.slice(1).map((part) => Number(part ?? 0));
  return w * 604_800 + d * 86_400 + h * 3_600 + m * 60 + s;
}
