import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Limiter } from './limiter.ts';
import type { RateRule } from './policy.ts';

/**
 * The Limiter port on rate-limiter-flexible: its Redis limiter increments and sets the TTL in one
 * Lua call (atomic across processes); its memory limiter serves the embedded default. One
 * rate-limiter-flexible instance per (limit, points, window), since apps may set their own points.
 */
export function createRateLimiter(options: { redis: Redis | null; keyPrefix: string }): Limiter {
  const instances = new Map<string, RateLimiterAbstract>();
  const limiterFor = (rule: RateRule): RateLimiterAbstract => {
    const id = `${rule.name}:${rule.points}:${rule.durationSeconds}`;
    let limiter = instances.get(id);
    if (!limiter) {
      const base = {
        keyPrefix: `${options.keyPrefix}rl:${rule.name}`,
        points: rule.points,
        duration: rule.durationSeconds,
      };
      limiter = options.redis
        ? new RateLimiterRedis({ ...base, storeClient: options.redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(base);
      instances.set(id, limiter);
    }
    return limiter;
  };

  return {
    async consume(rule, key) {
      try {
        await limiterFor(rule).consume(key, 1);
        return { allowed: true };
      } catch (rejection) {
        // A RateLimiterRes is a refusal; anything else is the store failing and propagates.
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
        }
        throw rejection;
      }
    },
    async refund(rule, key) {
      await limiterFor(rule).reward(key, 1);
    },
    async reset(rule, key) {
      await limiterFor(rule).delete(key);
    },
  };
}
