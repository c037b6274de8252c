/**
 * A real HTTP server on 127.0.0.1 that speaks enough of the chat-completions protocol for
 * the openai provider, scripted per test: queued replies (an error status, a hang, a
 * broken body) are served first, in order; after them every call gets a normal answer.
 * It records every request it received, with its headers, parsed body and arrival time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: ChatRequestBody;
  receivedAt: number;
}

export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  temperature?: number;
  reasoning_effort?: string;
  [field: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One scripted reply: an HTTP answer, or a connection that is accepted and never answered. */
export type FakeReply = { status: number; body: string | object; headers?: Record<string, string> } | { hang: true };

export interface FakeServerOptions {
  /** The text of a normal answer; by default a reviewer that is satisfied at once and a fixed plan. */
  answer?: (request: ChatRequestBody) => string;
  /** The usage of each normal answer; null leaves the `usage` object out, as some servers do. */
  usage?: (request: ChatRequestBody, index: number) => Usage | null;
}

export class FakeOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  /** The usage of every normal answer sent, so a test can add up what the server reported. */
  readonly usageSent: Usage[] = [];
  private readonly queue: FakeReply[] = [];
  private readonly server: http.Server;

  private constructor(private readonly options: FakeServerOptions) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
    const fake = new FakeOpenAIServer(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** `http://127.0.0.1:<port>/v1`, as OPENAI_BASE_URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Serve these before any normal answer, one per request, in order. */
  script(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    // Hung requests hold their sockets open: cut them, or close() would wait for ever.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody = {};
      try {
        body = JSON.parse(text) as ChatRequestBody;
      } catch {
        body = { unparsed: text };
      }
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, receivedAt: Date.now() });

      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      const scripted = this.queue.shift();
      if (scripted && 'hang' in scripted) return; // accepted, never answered
      if (scripted) return send(res, scripted.status, scripted.body, scripted.headers);
      const usage = (this.options.usage ?? defaultUsage)(body, this.usageSent.length);
      if (usage) this.usageSent.push(usage);
      const answer = (this.options.answer ?? defaultAnswer)(body);
      send(res, 200, {
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        ...(usage ? { usage } : {}),
      });
    });
  }
}

function send(res: http.ServerResponse, status: number, body: string | object, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

/** Varying numbers, so a sum that dropped or doubled a call would show. */
function defaultUsage(_request: ChatRequestBody, index: number): Usage {
  const prompt_tokens = 10 + index;
  const completion_tokens = 3 + (index % 4);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

export function systemPromptOf(request: ChatRequestBody): string {
  return request.messages?.find((m) => m.role === 'system')?.content ?? '';
}

/** A plausible model: a satisfied reviewer, a two-specialist plan, and answers that name the call. */
export function defaultAnswer(request: ChatRequestBody): string {
  const system = systemPromptOf(request);
  if (system.includes('strict reviewer')) return 'SCORE: 0.9\nSTOP: yes\nFEEDBACK: complete.';
  if (system.includes('assembling a panel')) return '1. Physicist: light scattering\n2. Meteorologist: the atmosphere';
  return `An answer (call ${request.messages?.length ?? 0} messages): Rayleigh scattering.`;
}
