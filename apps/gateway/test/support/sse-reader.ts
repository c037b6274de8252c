/** A test client for Server-Sent Events over fetch: frames as they arrive, and the end of the stream. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  /** A comment line (`: heartbeat`). */
  comment?: string;
  retry?: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** Frames received so far. */
  frames: SseFrame[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `count` frames matching `match` have arrived. */
  waitFor(match: (frame: SseFrame) => boolean, count?: number, timeoutMs?: number): Promise<SseFrame[]>;
  /** Body text when the answer is not a stream (an error). */
  text(): Promise<string>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const frames: SseFrame[] = [];
  const listeners = new Set<() => void>();
  const isStream = response.status === 200 && (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  let ended: Promise<void> = Promise.resolve();
  if (isStream && response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    ended = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) !== -1) {
            frames.push(parseFrame(buffer.slice(0, cut)));
            buffer = buffer.slice(cut + 2);
            listeners.forEach((notify) => notify());
          }
        }
      } catch {
        // aborted by close()
      } finally {
        listeners.forEach((notify) => notify());
      }
    })();
  }
  let finished = false;
  void ended.then(() => (finished = true));
  return {
    status: response.status,
    headers: response.headers,
    frames,
    ended,
    async waitFor(match, count = 1, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.filter(match);
        if (found.length >= count) return found;
        if (finished) throw new Error(`stream ended with ${found.length} of ${count} frames wanted: ${JSON.stringify(frames)}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`timed out waiting for ${count} frames; got ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, remaining);
          function done() {
            clearTimeout(timer);
            listeners.delete(done);
            resolve();
          }
          listeners.add(done);
        });
      }
    },
    text: () => response.text(),
    close: () => abort.abort(),
  };
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id' || field === 'event' || field === 'data' || field === 'retry') frame[field] = value;
    }
  }
  return frame;
}

export const isEvent = (frame: SseFrame) => frame.event !== undefined;
