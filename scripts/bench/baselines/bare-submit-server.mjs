/**
 * Baseline of the submit benchmark: the least a submit endpoint can do. A bare node:http
 * handler that reads and parses the JSON body, awaits one JetStream publish (Nats-Msg-Id
 * set) to a JOBS-like stream, and answers 202 with the new id. No auth, no validation, no
 * framework, no metrics. It runs as its own process, as the gateway does.
 *
 * Environment: NATS_URL, BENCH_PORT, BENCH_SUBJECT_PREFIX (the stream captures `<prefix>.*`;
 * the benchmark creates it). Prints `bare-submit ready <port>` once it listens.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

const prefix = process.env.BENCH_SUBJECT_PREFIX ?? 'bench.created';
// The same connection options that matter for speed as the services' connectNats.
const nc = await connect({ servers: process.env.NATS_URL, name: 'bench-bare-submit', noAsyncTraces: true });
const js = jetstream(nc);

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/v1/solve/basic') {
    send(res, 404, { error: 'not found' });
    return;
  }
  /** @type {Buffer[]} */
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      send(res, 400, { error: 'not JSON' });
      return;
    }
    const id = randomUUID();
    try {
      await js.publish(`${prefix}.${id}`, JSON.stringify({ id, job_id: id, occurred_at: new Date().toISOString(), data: request }), {
        msgID: id,
      });
    } catch {
      send(res, 503, { error: 'not recorded' });
      return;
    }
    send(res, 202, { job_id: id, status: 'pending' });
  });
});

server.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`bare-submit ready ${port}\n`);
});

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void nc.drain().finally(() => process.exit(0));
});
