/**
 * What the figures were measured on. A benchmark on a shared 2-core machine means little
 * without the load that was already there, so every run prints it before and after.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { loadAverage } from './proc.mjs';

/** @param {string} command @param {string[]} args */
function versionOf(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 5000 }).trim().split('\n')[0];
  } catch {
    return 'not found';
  }
}

export function describeMachine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    natsServer: versionOf(process.env.NATS_SERVER_BIN ?? 'nats-server', ['--version']),
    redisServer: versionOf(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--version']).replace(/ sha=.*/, ''),
    loadAverage: loadAverage(),
  };
}

/** @param {ReturnType<typeof describeMachine>} m */
export function machineLine(m) {
  return (
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(0)} GiB; node ${m.node}; ${m.natsServer}; ${m.redisServer}; ` +
    `load average ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min)`
  );
}
