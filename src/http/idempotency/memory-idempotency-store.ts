import type { IdempotencyClaim, IdempotencyStore } from './store.ts';

interface Entry {
  fingerprint: string;
  state: 'pending' | 'done';
  status: number;
  /** Kept as JSON, like Redis: a replay is a copy the caller cannot have mutated since. */
  body: string;
  /** Wall-clock purge time, like a Redis TTL. */
  purgeAt: number;
}

export interface MemoryIdempotencyStoreOptions {
  /** The wall clock that purges entries (Redis uses real time for TTLs too). */
  wallClock?: () => number;
}

function checkTtl(ttlMs: number): void {
  // Same refusal as the Redis store, where PEXPIRE 0 would delete the key it just wrote.
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`invalid TTL: ${ttlMs} ms`);
}

/**
 * The embedded default's idempotency store: one process, and no await inside a method, so each
 * method is as atomic as the Redis scripts. Held to the same contract tests.
 */
export function createMemoryIdempotencyStore({
  wallClock = Date.now,
}: MemoryIdempotencyStoreOptions = {}): IdempotencyStore & { close(): void } {
  const entries = new Map<string, Entry>();
  // JSON of the pair, so no app id or client key can collide with another pair.
  const keyOf = (appId: string, key: string) => JSON.stringify([appId, key]);

  function sweep(): void {
    const now = wallClock();
    for (const [key, entry] of entries) if (entry.purgeAt <= now) entries.delete(key);
  }
  // Bounded memory without a request to trigger it; unref'd so it never keeps the process alive.
  const sweeper = setInterval(sweep, 30_000);
  sweeper.unref();

  function live(id: string): Entry | null {
    const entry = entries.get(id);
    if (!entry) return null;
    if (entry.purgeAt <= wallClock()) {
      entries.delete(id);
      return null;
    }
    return entry;
  }

  return {
    async claim(appId, key, fingerprint, ttlMs): Promise<IdempotencyClaim> {
      checkTtl(ttlMs);
      const id = keyOf(appId, key);
      const entry = live(id);
      if (!entry) {
        entries.set(id, {
          fingerprint,
          state: 'pending',
          status: 0,
          body: 'null',
          purgeAt: wallClock() + Math.ceil(ttlMs),
        });
        return { kind: 'claimed' };
      }
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (entry.state === 'done') {
        return { kind: 'replay', status: entry.status, body: JSON.parse(entry.body) };
      }
      return { kind: 'in_progress' };
    },

    async complete(appId, key, fingerprint, response, ttlMs) {
      checkTtl(ttlMs);
      const entry = live(keyOf(appId, key));
      // Never recreates an expired or released claim; the claim's expiry is kept.
      if (!entry || entry.fingerprint !== fingerprint) return;
      entry.state = 'done';
      entry.status = response.status;
      entry.body = JSON.stringify(response.body) ?? 'null';
    },

    async release(appId, key) {
      const id = keyOf(appId, key);
      if (live(id)?.state === 'pending') entries.delete(id);
    },

    close() {
      clearInterval(sweeper);
      entries.clear();
    },
  };
}
