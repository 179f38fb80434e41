import { bucketIndex, trafficWindow } from '../pumping-policy.ts';
import type { TrafficCounters } from './traffic-counters.ts';

interface Bucket {
  count: number;
  /** Wall-clock purge time, like a Redis TTL. */
  purgeAt: number;
}

export interface MemoryTrafficCountersOptions {
  /** The wall clock that purges buckets and ends pauses (Redis uses real time for TTLs too). */
  wallClock?: () => number;
}

/**
 * The embedded default's pumping-watch counters: one process, and no await inside a method, so an
 * increment is as atomic as the Redis script. Held to the same contract tests.
 */
export function createMemoryTrafficCounters({
  wallClock = Date.now,
}: MemoryTrafficCountersOptions = {}): TrafficCounters & { close(): void } {
  // Same names as the Redis keys: the bucket index after the last ':' keeps them unambiguous.
  const buckets = new Map<string, Bucket>();
  const pauses = new Map<string, number>();

  function sweep(): void {
    const now = wallClock();
    for (const [key, bucket] of buckets) if (bucket.purgeAt <= now) buckets.delete(key);
    for (const [key, until] of pauses) if (until <= now) pauses.delete(key);
  }
  // Bounded memory without a request to trigger it; unref'd so it never keeps the process alive.
  const sweeper = setInterval(sweep, 30_000);
  sweeper.unref();

  function count(name: string, wall: number): number {
    const bucket = buckets.get(name);
    if (!bucket) return 0;
    if (bucket.purgeAt <= wall) {
      buckets.delete(name);
      return 0;
    }
    return bucket.count;
  }

  function sum(key: string, windowSeconds: number, now: number, wall: number): number {
    const window = trafficWindow(windowSeconds);
    const current = bucketIndex(window, now);
    let total = 0;
    for (let i = current - window.buckets + 1; i <= current; i++)
      total += count(`${key}:${i}`, wall);
    return total;
  }

  function bump(keys: string[], windowSeconds: number, now: number, wall: number): void {
    const window = trafficWindow(windowSeconds);
    const ttlMs = window.bucketMs * (window.buckets + 1);
    for (const key of keys) {
      const name = `${key}:${bucketIndex(window, now)}`;
      buckets.set(name, { count: count(name, wall) + 1, purgeAt: wall + ttlMs });
    }
  }

  function pausesLeft(keys: string[], wall: number): (number | null)[] {
    return keys.map((key) => {
      const until = pauses.get(key);
      if (until === undefined) return null;
      if (until <= wall) {
        pauses.delete(key);
        return null;
      }
      return until - wall;
    });
  }

  return {
    async increment(keys, windowSeconds, now) {
      const wall = wallClock();
      bump(keys, windowSeconds, now, wall);
      return keys.map((key) => sum(key, windowSeconds, now, wall));
    },

    async read(keys, windowSeconds, now) {
      const wall = wallClock();
      return keys.map((key) => sum(key, windowSeconds, now, wall));
    },

    async pause(key, seconds) {
      const ms = Math.ceil(seconds * 1000);
      // Same refusal as the Redis store, where PX 0 or less is an error.
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`invalid pause: ${seconds} s`);
      pauses.set(key, wallClock() + ms);
    },

    async uncount(keys, windowSeconds, now) {
      const window = trafficWindow(windowSeconds);
      const wall = wallClock();
      for (const key of keys) {
        const name = `${key}:${bucketIndex(window, now)}`;
        const bucket = buckets.get(name);
        if (bucket && count(name, wall) > 0) bucket.count--;
      }
    },

    async pausedFor(keys) {
      return pausesLeft(keys, wallClock());
    },

    async screen({ pauses: pauseKeys, sent, approved, windowSeconds, now, countWhenPaused }) {
      const wall = wallClock();
      const totals = () => ({
        sent: sent.map((key) => sum(key, windowSeconds, now, wall)),
        approved: approved.map((key) => sum(key, windowSeconds, now, wall)),
      });
      const pausedMs = pausesLeft(pauseKeys, wall);
      const paused = pausedMs.some((ms) => ms !== null) ? totals() : null;
      if (paused && !countWhenPaused) return { pausedMs, paused, counted: null };
      bump(sent, windowSeconds, now, wall);
      return { pausedMs, paused, counted: totals() };
    },

    close() {
      clearInterval(sweeper);
      buckets.clear();
      pauses.clear();
    },
  };
}
