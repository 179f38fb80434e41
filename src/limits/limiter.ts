import type { RateRule } from './policy.ts';

export type LimitOutcome = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Counters with a window (rate-limiter-flexible on Redis, or in memory for the embedded default). */
export interface Limiter {
  /** Atomically spends one unit; refused when that would pass the rule's points. */
  consume(rule: RateRule, key: string): Promise<LimitOutcome>;
  /** Gives one unit back (a request that was refused later, or whose SMS never left). */
  refund(rule: RateRule, key: string): Promise<void>;
  /** Forgets the counter (a successful check clears the number's failures). */
  reset(rule: RateRule, key: string): Promise<void>;
}
