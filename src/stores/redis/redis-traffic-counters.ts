import type { Redis } from 'ioredis';
import { bucketIndex, trafficWindow } from '../../domain/pumping-policy.ts';
import type { TrafficCounters } from '../../services/ports.ts';

/**
 * Layout: one string counter per (key, bucket), `${keyPrefix}traffic:${key}:${bucketIndex}`, and
 * one marker per pause, `${keyPrefix}pause:${key}`, whose PTTL is the time the pause has left.
 */

/** KEYS: pause markers. Read in one script so every key is judged at the same instant. */
const PAUSED_FOR = `
local left = {}
for i = 1, #KEYS do left[i] = redis.call('PTTL', KEYS[i]) end
return left
`;

/**
 * KEYS: pause markers, then the `sent` counters' bucket keys, then the `approved` ones (each
 * counter's buckets oldest first). ARGV: pause count, sent count, approved count, buckets per
 * counter, bucket TTL ms, 1 to count even when paused. Returns {pttls, totals while paused (or
 * {}), totals after counting (or {})}, totals being {sent sums, approved sums}. INCR and the sums
 * run in one script, so concurrent counts never lose one and each caller sees a total that
 * includes its own. It serves increment() too (no pauses, no approved counters).
 */
const SCREEN = `
local np, ns, na, per = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local left, paused = {}, false
for i = 1, np do
  left[i] = redis.call('PTTL', KEYS[i])
  if left[i] > 0 then paused = true end
end
local function sums(first, count)
  local out = {}
  for c = 0, count - 1 do
    local from = first + c * per
    local sum = 0
    for _, v in ipairs(redis.call('MGET', unpack(KEYS, from, from + per - 1))) do
      if v then sum = sum + tonumber(v) end
    end
    out[c + 1] = sum
  end
  return out
end
local sentFirst, approvedFirst = np + 1, np + ns * per + 1
local before = {}
if paused then
  before = {sums(sentFirst, ns), sums(approvedFirst, na)}
  if ARGV[6] ~= '1' then return {left, before, {}} end
end
for c = 1, ns do
  local current = sentFirst + c * per - 1
  redis.call('INCR', KEYS[current])
  redis.call('PEXPIRE', KEYS[current], ARGV[5])
end
return {left, before, {sums(sentFirst, ns), sums(approvedFirst, na)}}
`;

/** KEYS: the buckets to take one from. Never below zero, and a missing bucket stays missing. */
const UNCOUNT = `
for i = 1, #KEYS do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if v > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

type ScreenReply = [number[], [number[], number[]] | [], [number[], number[]] | []];

interface ScriptedRedis {
  tesseraTrafficUncount(numberOfKeys: number, ...keys: string[]): Promise<number>;
  tesseraTrafficScreen(numberOfKeys: number, ...args: (string | number)[]): Promise<ScreenReply>;
  tesseraTrafficPausedFor(numberOfKeys: number, ...keys: string[]): Promise<number[]>;
}

// No numberOfKeys: the key count varies per call and is passed as the first argument.
const COMMANDS: Record<keyof ScriptedRedis, { lua: string }> = {
  tesseraTrafficPausedFor: { lua: PAUSED_FOR },
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

  /** Each key's bucket keys over the window ending at `now`, oldest first. */
  function bucketKeys(keys: string[], windowSeconds: number, now: number) {
    const window = trafficWindow(windowSeconds);
    const current = bucketIndex(window, now);
    const names = keys.flatMap((key) =>
      Array.from(
        { length: window.buckets },
        (_, i) => `${keyPrefix}traffic:${key}:${current - window.buckets + 1 + i}`,
      ),
    );
    // A bucket must outlive the window it can be summed in; one bucket more covers the edge.
    return { names, per: window.buckets, ttlMs: window.bucketMs * (window.buckets + 1) };
  }

  const screen: TrafficCounters['screen'] = async (request) => {
    const { pauses, sent, approved, windowSeconds, now, countWhenPaused } = request;
    const sentKeys = bucketKeys(sent, windowSeconds, now);
    const approvedKeys = bucketKeys(approved, windowSeconds, now);
    const keys = [...pauses.map(pauseKey), ...sentKeys.names, ...approvedKeys.names];
    const [left, before, after] = await r.tesseraTrafficScreen(
      keys.length,
      ...keys,
      pauses.length,
      sent.length,
      approved.length,
      sentKeys.per,
      sentKeys.ttlMs,
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
      const { names, per } = bucketKeys(keys, windowSeconds, now);
      // One MGET: a single command, so the sums are a consistent snapshot, and nothing is written.
      const values = await r.mget(...names);
      return keys.map((_, k) =>
        values.slice(k * per, (k + 1) * per).reduce((sum, v) => sum + (v ? Number(v) : 0), 0),
      );
    },

    async pause(key, seconds) {
      const ms = Math.ceil(seconds * 1000);
      // PX 0 or less is an error in Redis; refuse it here with a message that says why.
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`invalid pause: ${seconds} s`);
      await r.set(pauseKey(key), '1', 'PX', ms);
    },

    async uncount(keys, windowSeconds, now) {
      if (keys.length === 0) return;
      const window = trafficWindow(windowSeconds);
      const current = bucketIndex(window, now);
      const names = keys.map((key) => `${keyPrefix}traffic:${key}:${current}`);
      await r.tesseraTrafficUncount(names.length, ...names);
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
