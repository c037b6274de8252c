import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { Controller, Module, UseFilters, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type ClientNats } from '@nestjs/microservices';
import { TimeoutError } from 'rxjs';
import type { Reply } from '@crux/contracts';
import { startNats, waitFor, type TestServer } from '@crux/test-harness';
import {
  classifyFailure,
  createRpcClient,
  isNoResponders,
  isReconnecting,
  packetBytes,
  requestReply,
  RequestTooLargeError,
  ServiceFaultError,
  ServiceUnavailableError,
} from './rpc-client.js';
import { FaultAsReply, RpcServer } from './rpc-server.js';

describe('packetBytes', () => {
  it("counts what Nest's transport sends: pattern, data and id", () => {
    const bytes = packetBytes('a.b', { x: 'é' });
    expect(bytes).toBe(Buffer.byteLength('{"pattern":"a.b","data":{"x":"é"},"id":"00000000-0000-0000-0000-000000000000"}'));
  });
});

describe('classifyFailure', () => {
  it('reads errors of the client as no answer, and anything else as a fault of the service', () => {
    expect(classifyFailure('s', 5, new TimeoutError())).toBeInstanceOf(ServiceUnavailableError);
    expect(classifyFailure('s', 5, new Error('Empty response. There are no subscribers listening to that message ("s")'))).toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(classifyFailure('s', 5, 'Error: Connection lost. Trying to reconnect...')).toBeInstanceOf(ServiceUnavailableError);
    expect(isReconnecting('Error: Connection lost. Trying to reconnect...')).toBe(true);
    expect(isReconnecting(new Error('Connection lost'))).toBe(false);
    expect(isNoResponders(new Error('Empty response. There are no subscribers listening to that message ("s")'))).toBe(true);
    expect(isNoResponders('Error: Connection lost. Trying to reconnect...')).toBe(false);
    expect(classifyFailure('s', 5, { status: 'error', message: 'Internal server error' })).toBeInstanceOf(ServiceFaultError);
    expect(classifyFailure('s', 5, 'There is no matching message handler defined in the remote service.')).toBeInstanceOf(
      ServiceFaultError,
    );
  });
});

/** A gate a handler waits on, opened by the test. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const slow = { current: gate() };
/** Which replica each slow request reached. */
const slowEntered: string[] = [];

@Controller()
@UseFilters(new FaultAsReply('test service'))
class EchoController {
  private static started = 0;
  private readonly name: string;

  constructor() {
    this.name = `replica-${++EchoController.started}`;
  }

  @MessagePattern('test.echo')
  echo(@Payload() data: { n: number }): Reply<{ n: number; by: string }> {
    return { ok: true, value: { n: data.n, by: this.name } };
  }

  @MessagePattern('test.slow')
  async slow(): Promise<Reply<string>> {
    slowEntered.push(this.name);
    await slow.current.wait;
    return { ok: true, value: 'late but sent' };
  }

  @MessagePattern('test.fail')
  async fail(): Promise<Reply<never>> {
    throw new Error('handler broke');
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('request/reply on the Nest NATS transport', () => {
  let nats: TestServer;
  let client: ClientNats;
  const replicas: INestMicroservice[] = [];

  async function startReplica(): Promise<INestMicroservice> {
    const app = await NestFactory.createMicroservice(EchoModule, {
      strategy: new RpcServer({ url: nats.url, name: 'rpc-spec', queue: 'echo' }),
      logger: false,
    });
    await app.listen();
    replicas.push(app);
    return app;
  }

  beforeAll(async () => {
    nats = await startNats();
    await startReplica();
    await startReplica();
    client = createRpcClient({ url: nats.url, name: 'rpc-spec-client' });
  });

  afterAll(async () => {
    slow.current.open();
    await client?.close();
    for (const app of replicas) await app.close();
    await nats?.stop();
  });

  it('answers each request once, shared between the replicas of the queue group', async () => {
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, n) => requestReply<{ n: number; by: string }>(client, 'test.echo', { n }, 10_000)),
    );
    const values = replies.map((r) => (r.ok ? r.value : null));
    expect(values.map((v) => v?.n)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect(new Set(values.map((v) => v?.by))).toEqual(new Set(['replica-1', 'replica-2']));
  });

  it('answers a handler that throws with a 500 Reply, not silence', async () => {
    expect(await requestReply(client, 'test.fail', {}, 10_000)).toEqual({
      ok: false,
      error: { status_code: 500, error: 'Internal Server Error', message: 'the test service failed to answer' },
    });
  });

  it('gives up after the deadline', async () => {
    slow.current = gate();
    const asked = requestReply(client, 'test.slow', {}, 300);
    await expect(asked).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(asked).rejects.toThrow('no answer on test.slow within 300 ms');
    slow.current.open();
  });

  it('says at once when nobody listens on the subject', async () => {
    await expect(requestReply(client, 'test.nobody', {}, 60_000)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('refuses a request larger than the server takes, before sending it', async () => {
    const maxPayload = client.unwrap<{ info?: { max_payload: number } }>().info?.max_payload ?? 1024 * 1024;
    const asked = requestReply(client, 'test.echo', { n: 1, pad: 'x'.repeat(maxPayload) }, 10_000);
    await expect(asked).rejects.toBeInstanceOf(RequestTooLargeError);
  });

  it('waits for a lost connection to come back within the deadline instead of failing at once', async () => {
    expect((await requestReply(client, 'test.echo', { n: 1 }, 10_000)).ok).toBe(true);
    await nats.crash();
    await waitFor(
      async () =>
        isReconnecting(
          await client.connect().then(
            () => null,
            (error: unknown) => error,
          ),
        ),
      { what: 'the client to see its connection lost' },
    );
    const asked = requestReply<{ n: number }>(client, 'test.echo', { n: 2 }, 60_000);
    await nats.restart();
    const reply = await asked;
    expect(reply.ok && reply.value.n).toBe(2);
  });

  it('sends the answers in progress when a replica closes, and hands new requests to the others', async () => {
    const third = await startReplica();
    // listen() does not wait for the server to have the new subscription: until it does, the
    // queue group has two members, and every request below could go to the other two.
    await waitFor(
      async () => {
        const reply = await requestReply<{ by: string }>(client, 'test.echo', { n: 0 }, 10_000);
        return reply.ok && reply.value.by === 'replica-3';
      },
      { what: 'the third replica to take requests', intervalMs: 20 },
    );
    slow.current = gate();
    slowEntered.length = 0;
    // Enough slow requests that some land on the replica that closes; all are being answered when it does.
    const asked = Array.from({ length: 20 }, () => requestReply<string>(client, 'test.slow', {}, 30_000));
    await waitFor(() => slowEntered.length === 20, { what: 'every slow request to reach a handler' });
    expect(slowEntered).toContain('replica-3');
    const closing = third.close();
    slow.current.open();
    await closing;
    expect(await Promise.all(asked)).toEqual(Array.from({ length: 20 }, () => ({ ok: true, value: 'late but sent' })));
    const after = await requestReply<{ by: string }>(client, 'test.echo', { n: 1 }, 10_000);
    expect(after.ok && after.value.by).not.toBe('replica-3');
  });
});
