/**
 * TEST KNOBS — not settings. They exist so tests and the revoke benchmark can run the real,
 * built worker in conditions that are otherwise hard to produce; never set them in
 * production. They are read here, apart from the settings in @crux/contracts, so they
 * never appear in the configuration a user is shown.
 *
 * - `CRUX_TEST_CHILD_IGNORES_SIGTERM=1`: every pool child ignores SIGTERM, so a revoke has
 *   to wait out CRUX_REVOKE_GRACE_MS and SIGKILL it (the "stubborn child" of the revoke
 *   benchmark and of the SIGKILL tests). The worker warns at start when it is on.
 */
import { IGNORE_SIGTERM_FLAG } from './pool/protocol.js';

export const TEST_CHILD_IGNORES_SIGTERM = 'CRUX_TEST_CHILD_IGNORES_SIGTERM';

export interface TestKnobs {
  childIgnoresSigterm: boolean;
}

export function readTestKnobs(env: Record<string, string | undefined>): TestKnobs {
  return { childIgnoresSigterm: env[TEST_CHILD_IGNORES_SIGTERM] === '1' };
}

/** Extra arguments for every pool child that the knobs call for. */
export function childArgsFor(knobs: TestKnobs): string[] {
  return knobs.childIgnoresSigterm ? [IGNORE_SIGTERM_FLAG] : [];
}
