/** Nest injection tokens for what is not a class of this app. */
export const Tokens = {
  Settings: Symbol('Settings'),
  Nats: Symbol('NatsConnection'),
  TrailStream: Symbol('TrailStream'),
} as const;
