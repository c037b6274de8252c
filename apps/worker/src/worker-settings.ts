/** Injection token of the worker's settings (read once in main.ts with loadSettings). */
export const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');
