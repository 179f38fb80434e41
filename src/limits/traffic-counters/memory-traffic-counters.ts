import {
  bucketIndex,
  HISTORY_HOURS,
  HOUR_MS,
  hourIndex,
  type TrafficWindow,
  trafficWindow,
} from '../pumping-policy.ts';
import { type TrafficCounters, type TrafficTotals, tripPauseMs } from './traffic-counters.ts';

/** What a Redis hash with a TTL is: counts by bucket (or hour) index, and a purge time. */
interface Counts {
  counts: Map<number, number>;
  /** Wall-clock purge time, like a Redis TTL. */
  purgeAt: number;
}

export interface MemoryTrafficCountersOptions {
  /** The wall clock that purges counters and ends pauses (Redis uses real time for TTLs too). */
  wallClock?: () => number;
}

/**
 * The embedded default's pumping-watch counters: one process, and no await inside a method, so an
 * increment is as atomic as the Redis script. Laid out as the Redis store is (one map of counts per
 * counter, with one purge time, old buckets dropped as they are summed) and held to the same
 * contract tests.
 */
export function createMemoryTrafficCounters({
  wallClock = Date.now,
}: MemoryTrafficCountersOptions = {}): TrafficCounters & { close(): void } {
  const counters = new Map<string, Counts>();
  const histories = new Map<string, Counts>();
  const pauses = new Map<string, number>();
  /** Pauses in a row of a tripped key, and until when they are remembered. */
  const strikes = new Map<string, { count: number; until: number }>();

  function sweep(): void {
    const now = wallClock();
    for (const map of [counters, histories])
      for (const [key, entry] of map) if (entry.purgeAt <= now) map.delete(key);
    for (const [key, until] of pauses) if (until <= now) pauses.delete(key);
    for (const [key, strike] of strikes) if (strike.until <= now) strikes.delete(key);
  }
  // Bounded memory without a request to trigger it; unref'd so it never keeps the process alive.
  const sweeper = setInterval(sweep, 30_000);
  sweeper.unref();

  /** The live entry under `key`, or undefined when there is none or its time is up. */
  function live(map: Map<string, Counts>, key: string, wall: number): Counts | undefined {
    const entry = map.get(key);
    if (entry && entry.purgeAt <= wall) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  /** A counter's total over the window ending at `current`, and the part in the newest `recent`. */
  function sum(
    entry: Counts | undefined,
    window: TrafficWindow,
    current: number,
    options: { prune: boolean; recent: number },
  ): { total: number; recent: number } {
    const totals = { total: 0, recent: 0 };
    if (!entry) return totals;
    const oldest = current - window.buckets;
    entry.counts.forEach((count, bucket) => {
      if (bucket > oldest && bucket <= current) {
        totals.total += count;
        if (bucket > current - options.recent) totals.recent += count;
      } else if (options.prune && bucket < oldest) {
        entry.counts.delete(bucket);
      }
    });
    return totals;
  }

  /** Adds one to the counter's bucket `current`, and returns the counter. */
  function bump(key: string, window: TrafficWindow, current: number, wall: number): Counts {
    const purgeAt = wall + window.bucketMs * (window.buckets + 1);
    const entry = live(counters, key, wall);
    if (!entry) {
      const created = { counts: new Map([[current, 1]]), purgeAt };
      counters.set(key, created);
      return created;
    }
    entry.counts.set(current, (entry.counts.get(current) ?? 0) + 1);
    entry.purgeAt = purgeAt;
    return entry;
  }

  /** Drops the fields older than `oldest`. */
  function prune(entry: Counts, oldest: number): void {
    for (const field of entry.counts.keys()) if (field < oldest) entry.counts.delete(field);
  }

  function pausesLeft(keys: string[], wall: number): (number | null)[] {
    // Most of the time nothing is paused: no key to look up.
    if (pauses.size === 0) return keys.map(() => null);
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
      const window = trafficWindow(windowSeconds);
      const current = bucketIndex(window, now);
      const options = { prune: true, recent: 0 };
      return keys.map(
        (key) => sum(bump(key, window, current, wall), window, current, options).total,
      );
    },

    async read(keys, windowSeconds, now) {
      const wall = wallClock();
      const window = trafficWindow(windowSeconds);
      const current = bucketIndex(window, now);
      const options = { prune: false, recent: 0 };
      return keys.map((key) => sum(live(counters, key, wall), window, current, options).total);
    },

    async pause(key, seconds) {
      const ms = Math.ceil(seconds * 1000);
      // Same refusal as the Redis store, where PX 0 or less is an error.
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`invalid pause: ${seconds} s`);
      pauses.set(key, wallClock() + ms);
    },

    async pauseTripped(key, pause) {
      const wall = wallClock();
      const strike = strikes.get(key);
      const earlier = strike && strike.until > wall ? strike.count : 0;
      const ms = tripPauseMs(pause, earlier);
      if (!(ms > 0)) throw new RangeError(`invalid pause: ${pause.seconds} s`);
      pauses.set(key, wall + ms);
      strikes.set(key, {
        count: earlier + 1,
        until: wall + ms + Math.ceil(pause.memorySeconds * 1000),
      });
      return ms;
    },

    async uncount(keys, windowSeconds, now) {
      const wall = wallClock();
      const current = bucketIndex(trafficWindow(windowSeconds), now);
      for (const key of keys) {
        const counts = live(counters, key, wall)?.counts;
        const count = counts?.get(current) ?? 0;
        if (count > 0) counts?.set(current, count - 1);
      }
    },

    async pausedFor(keys) {
      return pausesLeft(keys, wallClock());
    },

    async screen(request) {
      const { pauses: pauseKeys, sent, approved, windowSeconds, now, countWhenPaused } = request;
      const wall = wallClock();
      const window = trafficWindow(windowSeconds);
      const current = bucketIndex(window, now);
      const sentOptions = { prune: true, recent: request.recentBuckets };
      const approvedOptions = { prune: true, recent: 0 };
      const totals = (sentEntries: (Counts | undefined)[]): TrafficTotals => {
        const sentSums = sentEntries.map((entry) => sum(entry, window, current, sentOptions));
        return {
          sent: sentSums.map((s) => s.total),
          approved: approved.map(
            (key) => sum(live(counters, key, wall), window, current, approvedOptions).total,
          ),
          recent: sentSums.map((s) => s.recent),
        };
      };
      const pausedMs = pausesLeft(pauseKeys, wall);
      const paused = pausedMs.some((ms) => ms !== null)
        ? totals(sent.map((key) => live(counters, key, wall)))
        : null;
      if (paused && !countWhenPaused) return { pausedMs, paused, counted: null };
      return {
        pausedMs,
        paused,
        counted: totals(sent.map((key) => bump(key, window, current, wall))),
      };
    },

    async countAndTally(keys, windowSeconds, now) {
      const wall = wallClock();
      const window = trafficWindow(windowSeconds);
      const current = bucketIndex(window, now);
      const hour = hourIndex(now);
      const purgeAt = wall + HISTORY_HOURS * HOUR_MS;
      for (const key of keys) {
        // As the Redis script: old fields go when a new one makes the counter hold too many.
        const counter = bump(key, window, current, wall);
        if (counter.counts.size > window.buckets + 1) prune(counter, current - window.buckets);
        const history = live(histories, key, wall);
        if (!history) {
          histories.set(key, { counts: new Map([[hour, 1]]), purgeAt });
          continue;
        }
        const count = (history.counts.get(hour) ?? 0) + 1;
        history.counts.set(hour, count);
        history.purgeAt = purgeAt;
        if (count === 1 && history.counts.size > HISTORY_HOURS)
          prune(history, hour - HISTORY_HOURS + 1);
      }
    },

    async peaks(keys, hours) {
      const wall = wallClock();
      return keys.map((key) => {
        const counts = live(histories, key, wall)?.counts;
        let best = 0;
        for (const hour of hours) best = Math.max(best, counts?.get(hour) ?? 0);
        return best;
      });
    },

    close() {
      clearInterval(sweeper);
      counters.clear();
      histories.clear();
      pauses.clear();
      strikes.clear();
    },
  };
}
