export * from './crux-system.js';
export * from './free-port.js';
export * from './managed-process.js';
export * from './servers.js';
export * from './wait-for.js';
export * from './workspace-root.js';
export * from './nats-cluster.js';
export * from './openapi-responses.js';
