import { setTimeout as sleep } from 'node:timers/promises';
import { RefusedError } from '../kernel/errors.ts';

/** Refusals that could tell an outsider something about a number (known, limited, blocked). */
const MASKED: ReadonlySet<string> = new Set([
  'invalid_phone_number',
  'destination_blocked',
  'rate_limited',
  'budget_exceeded',
  'phone_locked',
]);

/**
 * Answers those refusals no sooner than `floorMs` after the request began, so that a refused
 * number, a blocked country and a limit cannot be told apart by timing (OWASP ASVS 2.2, user
 * enumeration); their bodies already share one problem+json shape.
 */
export async function withRefusalFloor<T>(floorMs: number, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } catch (error) {
    if (error instanceof RefusedError && MASKED.has(error.code)) {
      const wait = floorMs - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
    throw error;
  }
}
