export * from './job-track.js';
export * from './jobs-stream-reader.js';
export * from './projection-watch.js';
export * from './projector-pause.js';
export * from './rebuild-requests.js';
export * from './rebuild-store.js';
export * from './state-rebuilder.js';
export * from './rebuild.providers.js';
