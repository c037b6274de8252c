/**
 * The contracts without the request DTOs (class-validator): for processes that start often
 * and validate no HTTP input, such as a worker's pool children.
 */
export * from './actor.js';
export * from './api-error.js';
export * from './api-key-file.js';
export * from './audit.js';
export * from './canonical-json.js';
export * from './events/job-events.js';
export * from './events/make-event.js';
export * from './job-status.js';
export * from './job-view.js';
export * from './redis-keys.js';
export * from './settings.js';
export * from './state-requests.js';
export * from './subjects.js';
export * from './dto/solve-constants.js';
