export * from './delivery-decision.js';
export * from './fit-result.js';
export * from './job-consumer.js';
export * from './job-event-publisher.js';
export * from './progress-throttle.js';
