import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './lib/api';

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | null;
  /** Ask again now (after an action that changed what is shown). */
  refresh(): void;
}

/**
 * Calls `load` now and then every `intervalMs` after the previous answer, while the page is
 * shown; `deps` start it over. A failed call keeps the last data and shows its error.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = async () => {
      try {
        const value = await loadRef.current(abort.signal);
        if (abort.signal.aborted) return;
        setData(() => value);
        setError(null);
      } catch (e) {
        if (abort.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, String(e), {}));
      }
      if (intervalMs > 0 && !abort.signal.aborted) timer = setTimeout(() => void step(), intervalMs);
    };
    void step();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick, intervalMs]);

  return { data, error, refresh: () => setTick((n) => n + 1) };
}
