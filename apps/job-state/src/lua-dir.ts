import { fileURLToPath } from 'node:url';

/**
 * The folder of the Lua scripts. This module sits at the root of src/ (and so of dist/), so
 * `../lua/` is apps/job-state/lua both under Jest (from source) and when run from dist.
 */
export const LUA_DIR = fileURLToPath(new URL('../lua/', import.meta.url));
