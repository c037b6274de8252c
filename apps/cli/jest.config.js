import preset from '../../jest.preset.js';

// 'mjs': the tests of `npm start` (test/start/) import scripts/start/*.mjs, which run untranspiled.
export default {
  ...preset,
  displayName: 'cli',
  rootDir: import.meta.dirname,
  moduleFileExtensions: [...preset.moduleFileExtensions, 'mjs'],
};
