import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryTrafficCounters } from '../../src/limits/traffic-counters/memory-traffic-counters.ts';
import { createRedisTrafficCounters } from '../../src/limits/traffic-counters/redis-traffic-counters.ts';
import type { TrafficCounters } from '../../src/limits/traffic-counters/traffic-counters.ts';
import { createTestRedisPrefix, redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { storeContract } from '../helpers/store-contract.ts';

const { backends, openRedis } = storeContract<TrafficCounters>({
  redis: (redis, keyPrefix) => createRedisTrafficCounters({ redis, keyPrefix }),
  memory: () => createMemoryTrafficCounters(),
});

const HOUR = 3600;
// A fixed instant on a bucket boundary (5 min buckets for an hour), so arithmetic below is exact.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const BUCKET = 300_000;
const unique = (label: string) => `app_${randomBytes(4).toString('hex')}:${label}`;

describe.each(backends)('traffic counters contract: $name', ({ available, make }) => {
  const it_ = available ? it : it.skip;

  it_('increments each key and returns the window totals', async () => {
    const counters = make();
    const [a, b] = [unique('a'), unique('b')];
    expect(await counters.increment([a, b], HOUR, T0)).toEqual([1, 1]);
    expect(await counters.increment([a], HOUR, T0 + 1000)).toEqual([2]);
    expect(await counters.increment([a, b], HOUR, T0 + 2 * BUCKET)).toEqual([3, 2]);
    expect(await counters.read([a, b, unique('never')], HOUR, T0 + 2 * BUCKET)).toEqual([3, 2, 0]);
    expect(await counters.increment([], HOUR, T0)).toEqual([]);
    expect(await counters.read([], HOUR, T0)).toEqual([]);
  });

  it_('reads without writing', async () => {
    const counters = make();
    const key = unique('read');
    expect(await counters.read([key], HOUR, T0)).toEqual([0]);
    expect(await counters.read([key], HOUR, T0)).toEqual([0]);
    await counters.increment([key], HOUR, T0);
    expect(await counters.read([key], HOUR, T0)).toEqual([1]);
    expect(await counters.read([key], HOUR, T0)).toEqual([1]);
  });

  it_('slides: a bucket leaves the window once twelve newer buckets began', async () => {
    const counters = make();
    const key = unique('slide');
    await counters.increment([key], HOUR, T0);
    await counters.increment([key], HOUR, T0 + 6 * BUCKET);
    // Still inside the hour that started with the first bucket.
    expect(await counters.read([key], HOUR, T0 + 11 * BUCKET + BUCKET - 1)).toEqual([2]);
    // The first bucket has left; the second is still in.
    expect(await counters.read([key], HOUR, T0 + 12 * BUCKET)).toEqual([1]);
    expect(await counters.increment([key], HOUR, T0 + 12 * BUCKET)).toEqual([2]);
    // Far later, the whole window is new.
    expect(await counters.read([key], HOUR, T0 + 30 * BUCKET)).toEqual([0]);
    expect(await counters.increment([key], HOUR, T0 + 30 * BUCKET)).toEqual([1]);
  });

  it_('short windows use 1 s buckets', async () => {
    const counters = make();
    const key = unique('short');
    await counters.increment([key], 5, T0);
    expect(await counters.read([key], 5, T0 + 4_999)).toEqual([1]);
    expect(await counters.read([key], 5, T0 + 5_000)).toEqual([0]);
  });

  it_('keeps every one of 100 parallel increments of one key', async () => {
    const counters = make();
    const key = unique('race');
    const totals = await Promise.all(
      Array.from({ length: 100 }, () => counters.increment([key], HOUR, T0)),
    );
    expect(await counters.read([key], HOUR, T0)).toEqual([100]);
    // Each caller saw a distinct total, its own increment included.
    expect(new Set(totals.map((t) => t[0])).size).toBe(100);
    expect(Math.max(...totals.map((t) => t[0] ?? 0))).toBe(100);
  });

  it_('pauses a key for the given time and tells how much is left', async () => {
    const counters = make();
    const [paused, free] = [unique('paused'), unique('free')];
    expect(await counters.pausedFor([paused, free])).toEqual([null, null]);
    await counters.pause(paused, 60);
    const [left, none] = await counters.pausedFor([paused, free]);
    expect(left).toBeGreaterThan(58_000);
    expect(left).toBeLessThanOrEqual(60_000);
    expect(none).toBeNull();
    expect(await counters.pausedFor([])).toEqual([]);
    await expect(counters.pause(free, 0)).rejects.toThrow(RangeError);
  });

  it_('screens a send in one step: counts it when nothing is paused', async () => {
    const counters = make();
    const [pause, sent, approved] = [unique('p'), unique('p:sent'), unique('p:approved')];
    await counters.increment([sent], HOUR, T0);
    await counters.increment([approved], HOUR, T0);
    const request = { pauses: [pause], sent: [sent], approved: [approved], windowSeconds: HOUR };
    expect(await counters.screen({ ...request, now: T0 + 1000, countWhenPaused: false })).toEqual({
      pausedMs: [null],
      paused: null,
      counted: { sent: [2], approved: [1] },
    });
    expect(await counters.read([sent], HOUR, T0 + 1000)).toEqual([2]);
  });

  it_('screens a send in one step: a pause counts nothing, unless told to count', async () => {
    const counters = make();
    const [free, stopped] = [unique('free'), unique('stopped')];
    const sent = [unique('free:sent'), unique('stopped:sent')];
    const approved = [unique('free:approved'), unique('stopped:approved')];
    await counters.increment(sent, HOUR, T0);
    await counters.pause(stopped, 60);
    const request = { pauses: [free, stopped], sent, approved, windowSeconds: HOUR, now: T0 };

    const refused = await counters.screen({ ...request, countWhenPaused: false });
    expect(refused.pausedMs[0]).toBeNull();
    expect(refused.pausedMs[1]).toBeGreaterThan(58_000);
    expect(refused.paused).toEqual({ sent: [1, 1], approved: [0, 0] });
    expect(refused.counted).toBeNull();
    expect(await counters.read(sent, HOUR, T0)).toEqual([1, 1]);

    const dryRun = await counters.screen({ ...request, countWhenPaused: true });
    expect(dryRun.paused).toEqual({ sent: [1, 1], approved: [0, 0] });
    expect(dryRun.counted).toEqual({ sent: [2, 2], approved: [0, 0] });
  });

  it_('takes a count back from the bucket it went into, never below zero', async () => {
    const counters = make();
    const [key, never] = [unique('u'), unique('u:never')];
    await counters.increment([key], HOUR, T0);
    await counters.increment([key], HOUR, T0 + 2 * BUCKET);
    await counters.uncount([key, never], HOUR, T0 + 2 * BUCKET + 1000);
    expect(await counters.read([key, never], HOUR, T0 + 2 * BUCKET + 1000)).toEqual([1, 0]);
    await counters.uncount([key], HOUR, T0 + 2 * BUCKET);
    await counters.uncount([never], HOUR, T0);
    expect(await counters.read([key, never], HOUR, T0 + 2 * BUCKET)).toEqual([1, 0]);
    await counters.uncount([key], HOUR, T0);
    expect(await counters.read([key], HOUR, T0 + 2 * BUCKET)).toEqual([0]);
    await counters.uncount([], HOUR, T0);
  });

  it_('keeps every one of 100 parallel screens of one key', async () => {
    const counters = make();
    const [pause, sent, approved] = [unique('r'), unique('r:sent'), unique('r:approved')];
    const screens = await Promise.all(
      Array.from({ length: 100 }, () =>
        counters.screen({
          pauses: [pause],
          sent: [sent],
          approved: [approved],
          windowSeconds: HOUR,
          now: T0,
          countWhenPaused: false,
        }),
      ),
    );
    const totals = screens.map((screen) => screen.counted?.sent[0]);
    expect(new Set(totals).size).toBe(100);
    expect(Math.max(...totals.map((t) => t ?? 0))).toBe(100);
  });

  it_('ends a pause when its time is up', async () => {
    const counters = make();
    const key = unique('brief');
    await counters.pause(key, 0.05);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await counters.pausedFor([key])).toEqual([null]);
  });
});

describe.skipIf(redisUrl === null)('redis traffic counters: keys', () => {
  it('gives every key it writes a TTL, under its own prefix, and drops buckets past the window', async () => {
    const { prefix, drop } = createTestRedisPrefix();
    const redis = openRedis();
    try {
      const counters = createRedisTrafficCounters({ redis, keyPrefix: prefix });
      await counters.increment(['app_x:prefix:abc:sent', 'app_x:country:FR:sent'], HOUR, T0);
      await counters.increment(['app_x:prefix:abc:sent'], HOUR, T0 + 3 * BUCKET);
      await counters.read(['app_x:prefix:abc:approved'], HOUR, T0);
      await counters.pause('app_x:country:FR', 60);
      const keys = (await scanKeys(redis, prefix)).sort();
      expect(keys).toEqual(
        [
          `${prefix}pause:app_x:country:FR`,
          `${prefix}traffic:app_x:country:FR:sent`,
          `${prefix}traffic:app_x:prefix:abc:sent`,
        ].sort(),
      );
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      // A counter lives for the window plus one bucket after its last count.
      const counter = `${prefix}traffic:app_x:prefix:abc:sent`;
      const counterTtl = await redis.pttl(counter);
      expect(counterTtl).toBeGreaterThan(13 * BUCKET - 5_000);
      expect(counterTtl).toBeLessThanOrEqual(13 * BUCKET);
      expect(await redis.hgetall(counter)).toEqual({
        [T0 / BUCKET]: '1',
        [T0 / BUCKET + 3]: '1',
      });
      // Thirteen buckets on, the first has left the window and its grace bucket: it is dropped.
      await counters.increment(['app_x:prefix:abc:sent'], HOUR, T0 + 13 * BUCKET);
      expect(await redis.hgetall(counter)).toEqual({
        [T0 / BUCKET + 3]: '1',
        [T0 / BUCKET + 13]: '1',
      });
    } finally {
      await drop();
    }
  });
});
