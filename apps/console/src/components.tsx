import type { ComponentChildren } from 'preact';
import { formatPercent } from './lib/format';

/** A progress bar with its percentage in words beside it. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <span class="progress">
      <progress max={1} value={value} aria-label={label}>
        {formatPercent(value)}
      </progress>
      <span class="progress-text">{formatPercent(value)}</span>
    </span>
  );
}

/** An error from the gateway, as it said it. */
export function ErrorNote({ error, children }: { error?: { message: string } | null; children?: ComponentChildren }) {
  if (!error && !children) return null;
  return (
    <p class="error" role="alert">
      {children ?? error?.message}
    </p>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/** A wide table that scrolls sideways on a narrow screen; focusable so a keyboard can scroll it too. */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
