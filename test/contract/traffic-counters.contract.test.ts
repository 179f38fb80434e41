import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HISTORY_HOURS } from '../../src/limits/pumping-policy.ts';
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
    const request = {
      pauses: [pause],
      sent: [sent],
      approved: [approved],
      windowSeconds: HOUR,
      recentBuckets: 1,
    };
    expect(await counters.screen({ ...request, now: T0 + 1000, countWhenPaused: false })).toEqual({
      pausedMs: [null],
      paused: null,
      counted: { sent: [2], approved: [1], recent: [2] },
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
    const request = {
      pauses: [free, stopped],
      sent,
      approved,
      windowSeconds: HOUR,
      now: T0,
      recentBuckets: 2,
    };

    const refused = await counters.screen({ ...request, countWhenPaused: false });
    expect(refused.pausedMs[0]).toBeNull();
    expect(refused.pausedMs[1]).toBeGreaterThan(58_000);
    expect(refused.paused).toEqual({ sent: [1, 1], approved: [0, 0], recent: [1, 1] });
    expect(refused.counted).toBeNull();
    expect(await counters.read(sent, HOUR, T0)).toEqual([1, 1]);

    const dryRun = await counters.screen({ ...request, countWhenPaused: true });
    expect(dryRun.paused).toEqual({ sent: [1, 1], approved: [0, 0], recent: [1, 1] });
    expect(dryRun.counted).toEqual({ sent: [2, 2], approved: [0, 0], recent: [2, 2] });
  });

  it_(
    'screens a send in one step: tells the part of each total in the newest buckets',
    async () => {
      const counters = make();
      const [sent, approved] = [unique('n:sent'), unique('n:approved')];
      const screen = (now: number, recentBuckets: number) =>
        counters.screen({
          pauses: [],
          sent: [sent],
          approved: [approved],
          windowSeconds: HOUR,
          now,
          countWhenPaused: false,
          recentBuckets,
        });
      await screen(T0, 2);
      await screen(T0 + BUCKET, 2);
      await screen(T0 + 2 * BUCKET, 2);
      // Three sends in three buckets: the newest two hold two of them, the current one one.
      expect((await screen(T0 + 2 * BUCKET + 1000, 2)).counted).toEqual({
        sent: [4],
        approved: [0],
        recent: [3],
      });
      expect((await screen(T0 + 2 * BUCKET + 2000, 1)).counted?.recent).toEqual([3]);
      expect((await screen(T0 + 2 * BUCKET + 3000, 0)).counted?.recent).toEqual([0]);
      // Once the window slid past them, old sends are in neither part: the first two buckets have
      // left, and of the newest 11 buckets only the current one holds a send.
      expect((await screen(T0 + 13 * BUCKET, 11)).counted).toEqual({
        sent: [5],
        approved: [0],
        recent: [1],
      });
    },
  );

  it_('counts an approval in its window and in its hourly history, in one step', async () => {
    const counters = make();
    const [a, b] = [unique('c:a'), unique('c:b')];
    await counters.countAndTally([a, b], HOUR, T0);
    await counters.countAndTally([a], HOUR, T0 + BUCKET);
    expect(await counters.read([a, b], HOUR, T0 + BUCKET)).toEqual([2, 1]);
    expect(await counters.read([a, b], HOUR, T0 + 12 * BUCKET)).toEqual([1, 0]);
    expect(await counters.peaks([a, b], [Math.floor(T0 / 3_600_000)])).toEqual([2, 1]);
    await counters.countAndTally([], HOUR, T0);
  });

  it_('keeps hourly tallies and tells the busiest of the hours asked', async () => {
    const counters = make();
    const [a, b, never] = [unique('h:a'), unique('h:b'), unique('h:never')];
    const hour = Math.floor(T0 / 3_600_000);
    await counters.countAndTally([a, b], HOUR, T0);
    await counters.countAndTally([a], HOUR, T0 + 59 * 60_000);
    for (let i = 0; i < 3; i++) await counters.countAndTally([a], HOUR, T0 - 24 * 3_600_000);
    await counters.countAndTally([b], HOUR, T0 + 3_600_000);
    expect(await counters.peaks([a, b, never], [hour])).toEqual([2, 1, 0]);
    expect(await counters.peaks([a, b, never], [hour, hour - 24, hour + 1])).toEqual([3, 1, 0]);
    expect(await counters.peaks([a], [hour - 1, hour + 1])).toEqual([0]);
    expect(await counters.peaks([a], [])).toEqual([0]);
    expect(await counters.peaks([], [hour])).toEqual([]);
    await counters.countAndTally([], HOUR, T0);
  });

  it_('keeps the last HISTORY_HOURS hours of a tally, and drops older ones', async () => {
    const counters = make();
    const key = unique('h:long');
    const hour = Math.floor(T0 / 3_600_000);
    for (let i = HISTORY_HOURS; i >= 0; i--)
      await counters.countAndTally([key], HOUR, T0 - i * 3_600_000);
    const kept = Array.from({ length: HISTORY_HOURS }, (_, i) => hour - i);
    expect(await counters.peaks([key], kept)).toEqual([1]);
    // The hour HISTORY_HOURS back went when the newest began; the one after it stays.
    expect(await counters.peaks([key], [hour - HISTORY_HOURS])).toEqual([0]);
    expect(await counters.peaks([key], [hour - HISTORY_HOURS + 1])).toEqual([1]);
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
          recentBuckets: 0,
        }),
      ),
    );
    const totals = screens.map((screen) => screen.counted?.sent[0]);
    expect(new Set(totals).size).toBe(100);
    expect(Math.max(...totals.map((t) => t ?? 0))).toBe(100);
  });

  it_('pauses a tripped key longer each time in a row, up to the longest', async () => {
    const counters = make();
    const [key, other] = [unique('tripped'), unique('tripped:other')];
    const pause = { seconds: 60, maxSeconds: 150, memorySeconds: 3600 };
    expect(await counters.pauseTripped(key, pause)).toBe(60_000);
    const [first] = await counters.pausedFor([key]);
    expect(first).toBeGreaterThan(58_000);
    expect(first).toBeLessThanOrEqual(60_000);
    expect(await counters.pauseTripped(key, pause)).toBe(120_000);
    expect(await counters.pauseTripped(key, pause)).toBe(150_000);
    expect(await counters.pauseTripped(key, pause)).toBe(150_000);
    const [longest] = await counters.pausedFor([key]);
    expect(longest).toBeGreaterThan(148_000);
    // Each key counts its own pauses.
    expect(await counters.pauseTripped(other, pause)).toBe(60_000);
    await expect(counters.pauseTripped(other, { ...pause, seconds: 0 })).rejects.toThrow(
      RangeError,
    );
  });

  it_("forgets a tripped key's pauses once its memory after the last one is over", async () => {
    const counters = make();
    const key = unique('tripped:brief');
    const pause = { seconds: 0.04, maxSeconds: 10, memorySeconds: 0.04 };
    expect(await counters.pauseTripped(key, pause)).toBe(40);
    expect(await counters.pauseTripped(key, pause)).toBe(80);
    // Remembered for 80 ms of pause and 40 ms after it.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await counters.pausedFor([key])).toEqual([null]);
    expect(await counters.pauseTripped(key, pause)).toBe(40);
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
      const tripped = { seconds: 60, maxSeconds: 600, memorySeconds: 86_400 };
      await counters.pauseTripped('app_x:prefix:abc', tripped);
      await counters.countAndTally(['app_x:country:FR:approved'], HOUR, T0);
      await counters.peaks(['app_x:prefix:abc:approved'], [Math.floor(T0 / 3_600_000)]);
      const keys = (await scanKeys(redis, prefix)).sort();
      expect(keys).toEqual(
        [
          `${prefix}history:app_x:country:FR:approved`,
          `${prefix}pause:app_x:country:FR`,
          `${prefix}pause:app_x:prefix:abc`,
          `${prefix}paused-in-a-row:app_x:prefix:abc`,
          `${prefix}traffic:app_x:country:FR:approved`,
          `${prefix}traffic:app_x:country:FR:sent`,
          `${prefix}traffic:app_x:prefix:abc:sent`,
        ].sort(),
      );
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      // Pauses in a row are remembered for the memory after the pause ends.
      const strikesTtl = await redis.pttl(`${prefix}paused-in-a-row:app_x:prefix:abc`);
      expect(strikesTtl).toBeGreaterThan(60_000 + 86_400_000 - 5_000);
      expect(strikesTtl).toBeLessThanOrEqual(60_000 + 86_400_000);
      // A history lives for HISTORY_HOURS after its last tally.
      const historyTtl = await redis.pttl(`${prefix}history:app_x:country:FR:approved`);
      expect(historyTtl).toBeGreaterThan(HISTORY_HOURS * 3_600_000 - 5_000);
      expect(historyTtl).toBeLessThanOrEqual(HISTORY_HOURS * 3_600_000);
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
      // Counting approvals drops them too, once a counter holds more than the window and a bucket.
      const approved = `${prefix}traffic:app_x:country:FR:approved`;
      for (let i = 1; i <= 13; i++)
        await counters.countAndTally(['app_x:country:FR:approved'], HOUR, T0 + i * BUCKET);
      expect(Object.keys(await redis.hgetall(approved)).map(Number)).toEqual(
        Array.from({ length: 13 }, (_, i) => T0 / BUCKET + 1 + i),
      );
    } finally {
      await drop();
    }
  });
});
