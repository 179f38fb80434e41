import type { Redis } from 'ioredis';
import type { SendCooldowns } from './send-cooldowns.ts';

/**
 * One string per number, `${keyPrefix}cooldown:${key}`, holding the time of its last claim and
 * expiring with its cooldown. Judged and written in one script, so concurrent claims serialise.
 * KEYS: the key. ARGV: now, cooldown ms. Returns 0 when claimed, else the ms until it frees.
 */
const CLAIM = `
local at = tonumber(redis.call('GET', KEYS[1]))
local now, ms = tonumber(ARGV[1]), tonumber(ARGV[2])
if at and now < at + ms then return math.min(at + ms - now, ms) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ms)
return 0
`;

/** KEYS: the key. ARGV: the claim's time. Deletes it only while that claim is the key's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

export function createRedisSendCooldowns(options: {
  redis: Redis;
  keyPrefix: string;
}): SendCooldowns {
  const { redis } = options;
  const keyOf = (key: string) => `${options.keyPrefix}cooldown:${key}`;
  return {
    async claim(key, cooldownMs, now) {
      const left = Number(await redis.eval(CLAIM, 1, keyOf(key), now, cooldownMs));
      return left === 0 ? { claimed: true } : { claimed: false, retryAfterMs: left };
    },
    async release(key, claimedAt) {
      await redis.eval(RELEASE, 1, keyOf(key), claimedAt);
    },
  };
}
