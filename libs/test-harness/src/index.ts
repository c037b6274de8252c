export * from './free-port.js';
export * from './managed-process.js';
export * from './servers.js';
export * from './wait-for.js';
