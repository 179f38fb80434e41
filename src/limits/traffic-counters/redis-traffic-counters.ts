import type { Redis } from 'ioredis';
import {
  bucketIndex,
  HISTORY_HOURS,
  HOUR_MS,
  hourIndex,
  trafficWindow,
} from '../pumping-policy.ts';
import { type TrafficCounters, tripPauseMs } from './traffic-counters.ts';

/**
 * Layout: one hash per counter, `${keyPrefix}traffic:${key}`, whose fields are bucket indexes and
 * values the counts in them, and one marker per pause, `${keyPrefix}pause:${key}`, whose PTTL is
 * the time the pause has left. One hash per counter rather than one key per bucket: a send's
 * screen names 6 keys instead of 50, which is most of what it cost Redis and the client.
 * A counter's hash lives for the window plus one bucket after its last count; the scripts that
 * write drop the fields older than that (a bucket more than the window, as the TTL, so that a
 * server whose clock lags by less than a bucket still finds what it sums).
 * The learnt baseline's hourly histories are hashes too, `${keyPrefix}history:${key}`, whose
 * fields are hour indexes: at most HISTORY_HOURS of them, and a TTL of as many hours. A tripped
 * key's count of pauses in a row is `${keyPrefix}paused-in-a-row:${key}`, with a TTL.
 */

/**
 * Lua shared by the scripts: a counter's total over the window ending at bucket `current`, and
 * the part of it in the newest `recent` buckets.
 */
const SUM = `
local function total(key, current, per, prune, recent)
  local sum, newest, fields = 0, 0, redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    local bucket = tonumber(fields[i])
    if bucket > current - per and bucket <= current then
      local n = tonumber(fields[i + 1])
      sum = sum + n
      if bucket > current - recent then newest = newest + n end
    elseif prune and bucket < current - per then
      redis.call('HDEL', key, fields[i])
    end
  end
  return sum, newest
end
`;

/** KEYS: pause markers. Read in one script so every key is judged at the same instant. */
const PAUSED_FOR = `
local left = {}
for i = 1, #KEYS do left[i] = redis.call('PTTL', KEYS[i]) end
return left
`;

/** KEYS: counters. ARGV: current bucket, buckets per window. One script: a consistent snapshot. */
const READ = `${SUM}
local out = {}
for i = 1, #KEYS do out[i] = total(KEYS[i], tonumber(ARGV[1]), tonumber(ARGV[2]), false, 0) end
return out
`;

/**
 * KEYS: pause markers, then the `sent` counters, then the `approved` ones. ARGV: pause count,
 * sent count, approved count, current bucket, buckets per window, counter TTL ms, 1 to count even
 * when paused, recent buckets. Returns {pttls, totals while paused (or {}), totals after counting
 * (or {})}, totals being {sent sums, approved sums, recent part of the sent sums}. The count and
 * the sums run in one script, so concurrent counts never lose one and each caller sees a total
 * that includes its own. It serves increment() too (no pauses, no approved counters).
 */
const SCREEN = `${SUM}
local np, ns, na = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current, per, recent = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[8])
local left, paused = {}, false
for i = 1, np do
  left[i] = redis.call('PTTL', KEYS[i])
  if left[i] > 0 then paused = true end
end
local sentFirst, approvedFirst = np + 1, np + ns + 1
local function totals()
  local sent, newest, approved = {}, {}, {}
  for c = 1, ns do sent[c], newest[c] = total(KEYS[sentFirst + c - 1], current, per, true, recent) end
  for c = 1, na do approved[c] = total(KEYS[approvedFirst + c - 1], current, per, true, 0) end
  return {sent, approved, newest}
end
local before = {}
if paused then
  before = totals()
  if ARGV[7] ~= '1' then return {left, before, {}} end
end
for c = 0, ns - 1 do
  redis.call('HINCRBY', KEYS[sentFirst + c], ARGV[4], 1)
  redis.call('PEXPIRE', KEYS[sentFirst + c], ARGV[6])
end
return {left, before, totals()}
`;

/** KEYS: the counters to take one from, ARGV[1] the bucket. Never below zero; a missing one stays missing. */
const UNCOUNT = `
for i = 1, #KEYS do
  local v = tonumber(redis.call('HGET', KEYS[i], ARGV[1]) or '0')
  if v > 0 then redis.call('HINCRBY', KEYS[i], ARGV[1], -1) end
end
return 1
`;

/**
 * KEYS: the window counters, then their hourly histories. ARGV: how many counters, the current
 * bucket, buckets per window, the counter TTL ms, the hour, hours kept, the history TTL ms.
 * Old fields are looked for only when a hash holds more than it keeps (the window and its grace
 * bucket; HISTORY_HOURS), so the scan stays rare: once a bucket, or an hour, per key at most.
 */
const COUNT_AND_TALLY = `
local n, current, per = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local hour, keep = tonumber(ARGV[5]), tonumber(ARGV[6])
local function prune(key, oldest)
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if tonumber(field) < oldest then redis.call('HDEL', key, field) end
  end
end
for i = 1, n do
  local counter, history = KEYS[i], KEYS[n + i]
  if redis.call('HINCRBY', counter, ARGV[2], 1) == 1 and redis.call('HLEN', counter) > per + 1 then
    prune(counter, current - per)
  end
  redis.call('PEXPIRE', counter, ARGV[4])
  if redis.call('HINCRBY', history, ARGV[5], 1) == 1 and redis.call('HLEN', history) > keep then
    prune(history, hour - keep + 1)
  end
  redis.call('PEXPIRE', history, ARGV[7])
end
return 1
`;

/** KEYS: hourly histories. ARGV: hour indexes. Each key's highest count among them. */
const PEAKS = `
local out = {}
for i = 1, #KEYS do
  local best = 0
  for _, v in ipairs(redis.call('HMGET', KEYS[i], unpack(ARGV))) do
    if v and tonumber(v) > best then best = tonumber(v) end
  end
  out[i] = best
end
return out
`;

/**
 * KEYS: the pause marker, the count of pauses in a row. ARGV: the first pause in ms, the longest
 * in ms, the memory in ms. tripPauseMs's rule, in Lua: the pause doubles with each earlier one
 * still remembered; the count is remembered until `memory` after the pause ends.
 */
const PAUSE_TRIPPED = `
local earlier = tonumber(redis.call('GET', KEYS[2]) or '0')
local ms = math.min(tonumber(ARGV[1]) * 2 ^ earlier, tonumber(ARGV[2]))
redis.call('SET', KEYS[1], '1', 'PX', ms)
redis.call('SET', KEYS[2], earlier + 1, 'PX', ms + tonumber(ARGV[3]))
return ms
`;

type Totals = [number[], number[], number[]];
type ScreenReply = [number[], Totals | [], Totals | []];

interface ScriptedRedis {
  tesseraTrafficUncount(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  tesseraTrafficRead(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
  tesseraTrafficScreen(numberOfKeys: number, ...args: (string | number)[]): Promise<ScreenReply>;
  tesseraTrafficPausedFor(numberOfKeys: number, ...keys: string[]): Promise<number[]>;
  tesseraTrafficCountAndTally(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  tesseraTrafficPeaks(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
  tesseraTrafficPauseTripped(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
}

// No numberOfKeys: the key count varies per call and is passed as the first argument.
const COMMANDS: Record<keyof ScriptedRedis, { lua: string }> = {
  tesseraTrafficPausedFor: { lua: PAUSED_FOR },
  tesseraTrafficRead: { lua: READ },
  tesseraTrafficScreen: { lua: SCREEN },
  tesseraTrafficUncount: { lua: UNCOUNT },
  tesseraTrafficCountAndTally: { lua: COUNT_AND_TALLY },
  tesseraTrafficPeaks: { lua: PEAKS },
  tesseraTrafficPauseTripped: { lua: PAUSE_TRIPPED },
};

export interface RedisTrafficCountersOptions {
  redis: Redis;
  keyPrefix: string;
}

/** Pumping-watch counters on Redis: every count is one Lua script, every key carries a TTL. */
export function createRedisTrafficCounters({
  redis,
  keyPrefix,
}: RedisTrafficCountersOptions): TrafficCounters {
  for (const [name, { lua }] of Object.entries(COMMANDS)) redis.defineCommand(name, { lua });
  const r = redis as unknown as Redis & ScriptedRedis;
  const pauseKey = (key: string) => `${keyPrefix}pause:${key}`;
  const counterKey = (key: string) => `${keyPrefix}traffic:${key}`;
  const historyKey = (key: string) => `${keyPrefix}history:${key}`;
  const strikesKey = (key: string) => `${keyPrefix}paused-in-a-row:${key}`;

  /** The window's bucket at `now`, its length in buckets, and how long a counter outlives a count. */
  function windowAt(windowSeconds: number, now: number) {
    const window = trafficWindow(windowSeconds);
    return {
      current: bucketIndex(window, now),
      per: window.buckets,
      ttlMs: window.bucketMs * (window.buckets + 1),
    };
  }

  const screen: TrafficCounters['screen'] = async (request) => {
    const { pauses, sent, approved, windowSeconds, now, countWhenPaused, recentBuckets } = request;
    const { current, per, ttlMs } = windowAt(windowSeconds, now);
    const keys = [...pauses.map(pauseKey), ...sent.map(counterKey), ...approved.map(counterKey)];
    const [left, before, after] = await r.tesseraTrafficScreen(
      keys.length,
      ...keys,
      pauses.length,
      sent.length,
      approved.length,
      current,
      per,
      ttlMs,
      countWhenPaused ? 1 : 0,
      recentBuckets,
    );
    const totals = (reply: Totals | []) =>
      reply.length === 0
        ? null
        : {
            sent: reply[0].map(Number),
            approved: reply[1].map(Number),
            recent: reply[2].map(Number),
          };
    return { pausedMs: left.map(timeLeft), paused: totals(before), counted: totals(after) };
  };

  return {
    async increment(keys, windowSeconds, now) {
      if (keys.length === 0) return [];
      const request = {
        pauses: [],
        sent: keys,
        approved: [],
        countWhenPaused: false,
        recentBuckets: 0,
      };
      const { counted } = await screen({ ...request, windowSeconds, now });
      // With no pause to stop it, the script always counts.
      return counted?.sent ?? [];
    },

    async read(keys, windowSeconds, now) {
      if (keys.length === 0) return [];
      const { current, per } = windowAt(windowSeconds, now);
      const totals = await r.tesseraTrafficRead(keys.length, ...keys.map(counterKey), current, per);
      return totals.map(Number);
    },

    async pause(key, seconds) {
      const ms = Math.ceil(seconds * 1000);
      // PX 0 or less is an error in Redis; refuse it here with a message that says why.
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`invalid pause: ${seconds} s`);
      await r.set(pauseKey(key), '1', 'PX', ms);
    },

    async pauseTripped(key, pause) {
      const first = tripPauseMs(pause, 0);
      // Same refusal as pause(): PX 0 or less is an error in Redis.
      if (!(first > 0)) throw new RangeError(`invalid pause: ${pause.seconds} s`);
      const longest = tripPauseMs(pause, Number.POSITIVE_INFINITY);
      const memoryMs = Math.ceil(pause.memorySeconds * 1000);
      const ms = await r.tesseraTrafficPauseTripped(
        2,
        pauseKey(key),
        strikesKey(key),
        first,
        longest,
        memoryMs,
      );
      return Number(ms);
    },

    async uncount(keys, windowSeconds, now) {
      if (keys.length === 0) return;
      const { current } = windowAt(windowSeconds, now);
      await r.tesseraTrafficUncount(keys.length, ...keys.map(counterKey), current);
    },

    async pausedFor(keys) {
      if (keys.length === 0) return [];
      const left = await r.tesseraTrafficPausedFor(keys.length, ...keys.map(pauseKey));
      return left.map(timeLeft);
    },

    async countAndTally(keys, windowSeconds, now) {
      if (keys.length === 0) return;
      const { current, per, ttlMs } = windowAt(windowSeconds, now);
      const all = [...keys.map(counterKey), ...keys.map(historyKey)];
      await r.tesseraTrafficCountAndTally(
        all.length,
        ...all,
        keys.length,
        current,
        per,
        ttlMs,
        hourIndex(now),
        HISTORY_HOURS,
        HISTORY_HOURS * HOUR_MS,
      );
    },

    async peaks(keys, hours) {
      if (keys.length === 0) return [];
      if (hours.length === 0) return keys.map(() => 0);
      const peaks = await r.tesseraTrafficPeaks(keys.length, ...keys.map(historyKey), ...hours);
      return peaks.map(Number);
    },

    screen,
  };
}

/** A PTTL as a pause's time left: -2 is a missing key; -1 (no TTL) cannot happen (always PX). */
function timeLeft(ms: number | string): number | null {
  return Number(ms) > 0 ? Number(ms) : null;
}
