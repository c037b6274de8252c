#!/usr/bin/env node
// The `crux` command. The CLI is TypeScript compiled to dist/; say so plainly when it
// has not been built yet instead of failing with a module-not-found trace.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('crux: the CLI is not built yet. Run `npm run build` (or `npm start`) in the Crux checkout first.');
  process.exit(2);
}
await import(main);
