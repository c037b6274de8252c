import preset from '../../jest.preset.js';

// Each suite starts a whole system and a headless Chromium: one at a time, so two cores
// are not shared by several of them at once.
export default { ...preset, displayName: 'console-e2e', rootDir: import.meta.dirname, maxWorkers: 1, testTimeout: 240000 };
