import type { SendCooldowns } from './send-cooldowns.ts';

/**
 * The embedded default's cooldowns: one process, and no await inside a method, so a claim is as
 * atomic as the Redis script. Entries are purged on the wall clock, as a Redis TTL would.
 */
export function createMemorySendCooldowns({
  wallClock = Date.now,
}: {
  wallClock?: () => number;
} = {}): SendCooldowns & { close(): void } {
  const claims = new Map<string, { at: number; purgeAt: number }>();
  // Bounded memory without a request to trigger it; unref'd so it never keeps the process alive.
  const sweeper = setInterval(() => {
    const wall = wallClock();
    for (const [key, entry] of claims) if (entry.purgeAt <= wall) claims.delete(key);
  }, 30_000);
  sweeper.unref();

  return {
    async claim(key, cooldownMs, now) {
      const entry = claims.get(key);
      const at = entry && entry.purgeAt > wallClock() ? entry.at : undefined;
      if (at !== undefined && now < at + cooldownMs) {
        return { claimed: false, retryAfterMs: Math.min(at + cooldownMs - now, cooldownMs) };
      }
      claims.set(key, { at: now, purgeAt: wallClock() + cooldownMs });
      return { claimed: true };
    },
    async release(key, claimedAt) {
      if (claims.get(key)?.at === claimedAt) claims.delete(key);
    },
    close() {
      clearInterval(sweeper);
    },
  };
}
