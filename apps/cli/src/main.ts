/** Entry point of the `crux` command (bin/crux.js imports the built copy of this file). */
import { run } from './cli.js';
import { processIo } from './io.js';

process.exitCode = await run(process.argv.slice(2), processIo());
