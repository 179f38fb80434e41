import { PHONE_LOCK_TTL_SECONDS, type PhoneLocks } from './phone-locks.ts';

export interface MemoryPhoneLocksOptions {
  /** The wall clock that forgets counters, as a Redis TTL does (Redis uses real time too). */
  wallClock?: () => number;
}

/**
 * The embedded default's number locks: one process, and no await inside a method, so a
 * reservation is as atomic as the Redis script. Held to the same contract tests. Lost when the
 * process stops (README, Support).
 */
export function createMemoryPhoneLocks({
  wallClock = Date.now,
}: MemoryPhoneLocksOptions = {}): PhoneLocks & { close(): void } {
  const counters = new Map<string, { failures: number; forgetAt: number }>();
  const ttlMs = PHONE_LOCK_TTL_SECONDS * 1000;

  /** The live counter under `key`, or undefined when there is none or its time is up. */
  function live(key: string) {
    const entry = counters.get(key);
    if (entry && entry.forgetAt <= wallClock()) {
      counters.delete(key);
      return undefined;
    }
    return entry;
  }
  // Bounded memory without a request to trigger it; unref'd so it never keeps the process alive.
  const sweeper = setInterval(() => {
    for (const key of counters.keys()) live(key);
  }, 60_000);
  sweeper.unref();

  return {
    async reserve(key, threshold) {
      const entry = live(key) ?? { failures: 0, forgetAt: 0 };
      entry.forgetAt = wallClock() + ttlMs;
      if (entry.failures >= threshold) return null;
      entry.failures += 1;
      counters.set(key, entry);
      return entry.failures;
    },
    async release(key) {
      const entry = live(key);
      if (!entry) return;
      entry.failures -= 1;
      if (entry.failures <= 0) counters.delete(key);
    },
    async clear(key) {
      const failures = live(key)?.failures ?? 0;
      counters.delete(key);
      return failures;
    },
    async restore(key, failures) {
      if (failures <= 0) return;
      const entry = live(key) ?? { failures: 0, forgetAt: 0 };
      entry.failures += failures;
      entry.forgetAt = wallClock() + ttlMs;
      counters.set(key, entry);
    },
    async read(key) {
      const entry = live(key);
      return entry ? { failures: entry.failures, expiresInMs: entry.forgetAt - wallClock() } : null;
    },
    close() {
      clearInterval(sweeper);
    },
  };
}
