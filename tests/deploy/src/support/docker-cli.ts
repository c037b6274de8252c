/** The docker CLI, when installed: `docker stack config` checks a compose file against the v3 schema without an engine. */
import { spawnSync } from 'node:child_process';

export function hasDockerCli(): boolean {
  return spawnSync('docker', ['--version'], { encoding: 'utf8' }).status === 0;
}

export function dockerStackConfig(file: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('docker', ['stack', 'config', '-c', file], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
