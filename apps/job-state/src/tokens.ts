/** Nest injection tokens for what is not a class of this app. */
export const Tokens = {
  Settings: Symbol('Settings'),
  Nats: Symbol('NatsConnection'),
  JetStreamManager: Symbol('JetStreamManager'),
  /** Carries the projector's batches; kept apart so queries never wait behind a batch. */
  ProjectorRedis: Symbol('ProjectorRedis'),
  QueryRedis: Symbol('QueryRedis'),
  /** The RpcServer answering `job.state.*`, or null; stopped first at shutdown. */
  Requests: Symbol('Requests'),
} as const;
