import preset from '../../jest.preset.js';

// Unit tests of the console's pure logic (src/lib); the pages are tested in a browser by tests/console.
export default { ...preset, displayName: 'console', rootDir: import.meta.dirname };
