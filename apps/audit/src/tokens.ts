/** Nest injection tokens for what is not a class of this app. */
export const Tokens = {
  Settings: Symbol('Settings'),
  Nats: Symbol('NatsConnection'),
  TrailStream: Symbol('TrailStream'),
  /** The RpcServer answering `audit.*` requests, or null; stopped first at shutdown. */
  Requests: Symbol('Requests'),
  /** The ClientProxy that asks job-state's verdicts. */
  StateClient: Symbol('StateClient'),
} as const;
