/**
 * The console's HTTP client: every call carries the signed-in key in the Authorization
 * header (never in a URL), and every error answer becomes an ApiError with the gateway's
 * own message, which the pages show as it is.
 */
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The whole error body: a 410 carries deleted_at, reason and actor. */
    readonly body: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  key: string;
  /** Called on a 401: the key no longer works (revoked, or the gateway's keys changed). */
  onUnauthorised?: () => void;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', path, undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body ?? {});
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('PUT', path, body ?? {});
  }

  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('DELETE', path, body);
  }

  /** A raw response, for streams: the caller reads the body. */
  open(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    return fetch(`${API}${path}`, { headers: { ...headers, authorization: `Bearer ${this.options.key}` }, signal, cache: 'no-store' });
  }

  private async send<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.key}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${API}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'the gateway is not answering (network error); retrying', {});
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!response.ok) {
      const body = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
      if (response.status === 401) this.options.onUnauthorised?.();
      throw new ApiError(response.status, errorMessage(response.status, body, text), body);
    }
    return json as T;
  }
}

/** The gateway's `message`, or a sentence for an answer that has none (a proxy's page, an empty 502). */
export function errorMessage(status: number, body: Record<string, unknown>, text = ''): string {
  if (typeof body.message === 'string' && body.message !== '') return body.message;
  if (status === 0) return 'the gateway is not answering';
  return `the gateway answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

/** Query string from the set fields only (`?status=running&limit=20`), or ''. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
