export * from './crux-logger.js';
export * from './log-fields.js';
export * from './health-server.js';
export * from './health-checks.js';
