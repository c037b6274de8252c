import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'job-state', rootDir: import.meta.dirname };
