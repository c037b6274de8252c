/** Short human times for tables and summaries. */

/** `5s ago`, `3m ago`, `2h ago`, `4d ago`; `-` for a missing or unreadable time. */
export function formatAge(iso: string | null | undefined, now: Date): string {
  if (!iso) return '-';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 0) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** `850ms`, `12.3s`, `2m 05s`, `1h 02m`, `3d 04h`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${(Math.round(seconds * 10) / 10).toFixed(1)}s`;
  const whole = Math.floor(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  if (whole < 86_400) return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(whole / 86_400)}d ${String(Math.floor((whole % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** `2025-06-01 12:00:03 UTC (5m ago)`. */
export function formatTimestamp(iso: string | null | undefined, now: Date): string {
  if (!iso) return '-';
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  return `${then.toISOString().slice(0, 19).replace('T', ' ')} UTC (${formatAge(iso, now)})`;
}
