import type { Redis } from 'ioredis';
import { bucketIndex, trafficWindow } from '../pumping-policy.ts';
import type { TrafficCounters } from './traffic-counters.ts';

/**
 * Layout: one hash per counter, `${keyPrefix}traffic:${key}`, whose fields are bucket indexes and
 * values the counts in them, and one marker per pause, `${keyPrefix}pause:${key}`, whose PTTL is
 * the time the pause has left. One hash per counter rather than one key per bucket: a send's
 * screen names 6 keys instead of 50, which is most of what it cost Redis and the client.
 * A counter's hash lives for the window plus one bucket after its last count; the scripts that
 * write drop the fields older than that (a bucket more than the window, as the TTL, so that a
 * server whose clock lags by less than a bucket still finds what it sums).
 */

/** Lua shared by the scripts: a counter's total over the window ending at bucket `current`. */
const SUM = `
local function total(key, current, per, prune)
  local sum, fields = 0, redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    local bucket = tonumber(fields[i])
    if bucket > current - per and bucket <= current then
      sum = sum + tonumber(fields[i + 1])
    elseif prune and bucket < current - per then
      redis.call('HDEL', key, fields[i])
    end
  end
  return sum
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
for i = 1, #KEYS do out[i] = total(KEYS[i], tonumber(ARGV[1]), tonumber(ARGV[2]), false) end
return out
`;

/**
 * KEYS: pause markers, then the `sent` counters, then the `approved` ones. ARGV: pause count,
 * sent count, approved count, current bucket, buckets per window, counter TTL ms, 1 to count even
 * when paused. Returns {pttls, totals while paused (or {}), totals after counting (or {})}, totals
 * being {sent sums, approved sums}. The count and the sums run in one script, so concurrent
 * counts never lose one and each caller sees a total that includes its own. It serves
 * increment() too (no pauses, no approved counters).
 */
const SCREEN = `${SUM}
local np, ns, na = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current, per = tonumber(ARGV[4]), tonumber(ARGV[5])
local left, paused = {}, false
for i = 1, np do
  left[i] = redis.call('PTTL', KEYS[i])
  if left[i] > 0 then paused = true end
end
local function sums(first, count)
  local out = {}
  for c = 0, count - 1 do out[c + 1] = total(KEYS[first + c], current, per, true) end
  return out
end
local sentFirst, approvedFirst = np + 1, np + ns + 1
local before = {}
if paused then
  before = {sums(sentFirst, ns), sums(approvedFirst, na)}
  if ARGV[7] ~= '1' then return {left, before, {}} end
end
for c = 0, ns - 1 do
  redis.call('HINCRBY', KEYS[sentFirst + c], ARGV[4], 1)
  redis.call('PEXPIRE', KEYS[sentFirst + c], ARGV[6])
end
return {left, before, {sums(sentFirst, ns), sums(approvedFirst, na)}}
`;

/** KEYS: the counters to take one from, ARGV[1] the bucket. Never below zero; a missing one stays missing. */
const UNCOUNT = `
for i = 1, #KEYS do
  local v = tonumber(redis.call('HGET', KEYS[i], ARGV[1]) or '0')
  if v > 0 then redis.call('HINCRBY', KEYS[i], ARGV[1], -1) end
end
return 1
`;

type ScreenReply = [number[], [number[], number[]] | [], [number[], number[]] | []];

interface ScriptedRedis {
  tesseraTrafficUncount(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  tesseraTrafficRead(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
  tesseraTrafficScreen(numberOfKeys: number, ...args: (string | number)[]): Promise<ScreenReply>;
  tesseraTrafficPausedFor(numberOfKeys: number, ...keys: string[]): Promise<number[]>;
}

// No numberOfKeys: the key count varies per call and is passed as the first argument.
const COMMANDS: Record<keyof ScriptedRedis, { lua: string }> = {
  tesseraTrafficPausedFor: { lua: PAUSED_FOR },
  tesseraTrafficRead: { lua: READ },
  tesseraTrafficScreen: { lua: SCREEN },
  tesseraTrafficUncount: { lua: UNCOUNT },
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
    const { pauses, sent, approved, windowSeconds, now, countWhenPaused } = request;
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
    );
    const totals = (reply: [number[], number[]] | []) =>
      reply.length === 0 ? null : { sent: reply[0].map(Number), approved: reply[1].map(Number) };
    return { pausedMs: left.map(timeLeft), paused: totals(before), counted: totals(after) };
  };

  return {
    async increment(keys, windowSeconds, now) {
      if (keys.length === 0) return [];
      const request = { pauses: [], sent: keys, approved: [], countWhenPaused: false };
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

    screen,
  };
}

/** A PTTL as a pause's time left: -2 is a missing key; -1 (no TTL) cannot happen (always PX). */
function timeLeft(ms: number | string): number | null {
  return Number(ms) > 0 ? Number(ms) : null;
}
