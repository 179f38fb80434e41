import { Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis-target.ts';
import { guardAvailability, isRedisOutage } from '../kernel/availability.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';

/** How long start-up waits for Redis: a wrong address or master name fails the start, clearly. */
const REDIS_START_TIMEOUT_MS = 10_000;

/**
 * Connects to Redis (one server, or the master Sentinel names), failing clearly when it cannot be
 * reached within `startTimeoutMs`.
 */
export async function openRedis(
  target: RedisTarget,
  startTimeoutMs = REDIS_START_TIMEOUT_MS,
): Promise<Redis> {
  // No offline queue and one retry: while Redis is down a request fails at once with a 503
  // instead of waiting, and nothing is sent. Auto-pipelining sends the commands issued in one tick
  // (a request's limits, many requests' scripts under load) in one write: on a loaded 2-core
  // machine each socket write costs more than the Redis command it carries.
  const options: RedisOptions = {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
  };
  const redis =
    target.kind === 'single'
      ? new Redis(target.url, options)
      : // Sentinel names the master; after a failover ioredis asks again and reconnects to the new one.
        new Redis({
          ...options,
          sentinels: target.sentinels,
          name: target.name,
          db: target.db,
          ...(target.username ? { username: target.username } : {}),
          ...(target.password ? { password: target.password } : {}),
          ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        });
  redis.on('error', () => {}); // reported through readiness and 503s; avoids an unhandled 'error'
  // Once up, ioredis reconnects (and asks Sentinel again) for ever; at start, an unreachable Redis
  // or a master no sentinel knows would otherwise keep the start waiting without a word.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    // The caller says where (REDIS_URL's host, or the sentinels): this says what went wrong.
    timer = setTimeout(() => {
      const what =
        target.kind === 'single' ? 'no answer' : `no sentinel named master "${target.name}"`;
      fail(new Error(`${what} within ${startTimeoutMs / 1000} s`));
    }, startTimeoutMs);
  });
  // connect() rejects with "Connection is closed."; the socket's own error says why.
  let cause: unknown = null;
  const remember = (error: unknown) => {
    cause = error;
  };
  redis.on('error', remember);
  try {
    await Promise.race([redis.connect(), late]);
  } catch (error) {
    redis.disconnect();
    throw cause ?? error;
  } finally {
    clearTimeout(timer);
    redis.off('error', remember);
  }
  return redis;
}

/** Stores on `redis` under `keyPrefix` when there is one, else in-process ones handed to `onClose`. */
export function chooseStores(
  redis: Redis | null,
  keyPrefix: string,
  onClose: (close: () => Promise<void>) => void,
): StoreChoice {
  return (onRedis, inProcess) => {
    if (redis) return guardAvailability(onRedis(redis, keyPrefix), 'redis', isRedisOutage);
    const store = inProcess();
    onClose(async () => {
      await store.close();
    });
    return store;
  };
}
