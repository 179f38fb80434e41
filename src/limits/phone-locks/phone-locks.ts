/**
 * A number's failed checks across its verifications, which only a success (or support) clears:
 * the lasting lock beside the hourly `phone_failed_checks` window (README, Limits). Keys are
 * `<app id>:<phone HMAC>`, never a clear number.
 */
export interface PhoneLocks {
  /**
   * Reserves one failed check before a code is evaluated, atomically, unless the key already has
   * `threshold`: returns the count with this one (1..threshold), or null when the number is
   * locked. Either way the key's time to live starts again (PHONE_LOCK_TTL_SECONDS).
   */
  reserve(key: string, threshold: number): Promise<number | null>;
  /** Gives one reserved failure back (nothing was evaluated); never below zero. */
  release(key: string): Promise<void>;
  /** Forgets the key's failures (a success, or an unlock) and returns how many there were. */
  clear(key: string): Promise<number>;
  /** Adds `failures` back, with a fresh time to live (an unlock whose audit row failed). */
  restore(key: string, failures: number): Promise<void>;
  /** The key's failures and the milliseconds before they are forgotten, or null when it has none. */
  read(key: string): Promise<{ failures: number; expiresInMs: number } | null>;
}

/**
 * How long a number's failures outlive its last check (counted or refused): 90 days. Every Redis
 * key carries a TTL (api.md), so a lock cannot be forever; sliding from the last check, one that
 * is still being guessed at stays locked, and one left alone for a quarter is forgotten, as the
 * person holding the phone most likely moved on (or the number was reassigned) by then.
 */
export const PHONE_LOCK_TTL_SECONDS = 90 * 24 * 3600;
