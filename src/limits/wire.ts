import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { guardAvailability, isRedisOutage } from '../kernel/availability.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';
import type { Limiter } from './limiter.ts';
import { createMemoryPhoneLocks } from './phone-locks/memory-phone-locks.ts';
import type { PhoneLocks } from './phone-locks/phone-locks.ts';
import { createRedisPhoneLocks } from './phone-locks/redis-phone-locks.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createMemorySendCooldowns } from './send-cooldowns/memory-send-cooldowns.ts';
import { createRedisSendCooldowns } from './send-cooldowns/redis-send-cooldowns.ts';
import type { SendCooldowns } from './send-cooldowns/send-cooldowns.ts';
import { createMemoryTrafficCounters } from './traffic-counters/memory-traffic-counters.ts';
import { createRedisTrafficCounters } from './traffic-counters/redis-traffic-counters.ts';
import type { TrafficCounters } from './traffic-counters/traffic-counters.ts';

export interface LimitsInfra {
  redis: Redis | null;
  config: Pick<Config, 'redisKeyPrefix'>;
  stores: StoreChoice;
}

export interface LimitsModule {
  limiter: Limiter;
  /** The time between two sends to one number. */
  cooldowns: SendCooldowns;
  /** Sliding-window counters of the SMS pumping watch. */
  traffic: TrafficCounters;
  /** Each number's failed checks until a success: its lasting lock (README, Limits). */
  phoneLocks: PhoneLocks;
}

/** Rate limits, send cooldowns, number locks and the pumping watch's counters, on Redis or in process. */
export function wire(infra: LimitsInfra): LimitsModule {
  return {
    // rate-limiter-flexible has its own in-memory twin, chosen inside when there is no Redis.
    limiter: guardAvailability(
      createRateLimiter({ redis: infra.redis, keyPrefix: infra.config.redisKeyPrefix }),
      'redis',
      isRedisOutage,
    ),
    cooldowns: infra.stores(
      (redis, keyPrefix) => createRedisSendCooldowns({ redis, keyPrefix }),
      () => createMemorySendCooldowns(),
    ),
    traffic: infra.stores(
      (redis, keyPrefix) => createRedisTrafficCounters({ redis, keyPrefix }),
      () => createMemoryTrafficCounters(),
    ),
    phoneLocks: infra.stores(
      (redis, keyPrefix) => createRedisPhoneLocks({ redis, keyPrefix }),
      () => createMemoryPhoneLocks(),
    ),
  };
}
