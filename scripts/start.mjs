#!/usr/bin/env node
// `npm start`: the whole Crux system on this machine (see scripts/start/main.mjs).
// Ctrl-C, SIGTERM or SIGHUP stops the services, then the NATS and Redis servers it started;
// if this process is killed outright, they stop by themselves (see scripts/start/supervise.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { supervise } from './start/supervise.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.exitCode = await supervise({ root, env: process.env });
