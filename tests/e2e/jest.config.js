import preset from '../../jest.preset.js';

// Full-system suites each start their own NATS, Redis and services: run them one at a
// time so two cores are not shared by several whole systems at once.
export default { ...preset, displayName: 'e2e', rootDir: import.meta.dirname, maxWorkers: 1, testTimeout: 120000 };
