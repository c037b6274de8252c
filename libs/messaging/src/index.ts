export * from './connection.js';
export * from './consumers.js';
export * from './job-event-feed.js';
export * from './publish.js';
export * from './rpc.js';
export * from './streams.js';
export { jetstream, jetstreamManager } from '@nats-io/jetstream';
export type { JetStreamClient, JetStreamManager, JsMsg, PubAck } from '@nats-io/jetstream';
export type { NatsConnection } from '@nats-io/transport-node';
