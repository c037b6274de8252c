export * from './child-path.js';
export * from './pool-types.js';
export * from './protocol.js';
export * from './worker-pool.js';
