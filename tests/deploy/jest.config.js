import preset from '../../jest.preset.js';

// The deployment files: docker-compose.yml, deploy/k8s and deploy/nats, checked by structure
// and by booting the NATS cluster and Redis pair they describe on loopback.
export default { ...preset, displayName: 'deploy', rootDir: import.meta.dirname, testTimeout: 60000 };
