import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createTestRedisPrefix, redisUrl } from './real-stores.ts';

/**
 * The two backends a store contract runs on — Redis under a key prefix of its own, and the
 * in-process store — with everything they open closed (and every key dropped) after the file.
 */
export function storeContract<T>(make: {
  redis: (redis: Redis, keyPrefix: string) => T;
  memory: () => T & { close(): void };
}) {
  const redisPrefix = createTestRedisPrefix();
  const opened: Redis[] = [];
  const closers: (() => void)[] = [];
  afterAll(async () => {
    await redisPrefix.drop();
    for (const redis of opened) redis.disconnect();
    for (const close of closers) close();
  });
  const openRedis = (): Redis => {
    const redis = new Redis(redisUrl as string);
    opened.push(redis);
    return redis;
  };
  const backends: { name: string; available: boolean; make: () => T }[] = [
    {
      name: 'redis',
      available: redisUrl !== null,
      make: () => make.redis(openRedis(), redisPrefix.prefix),
    },
    {
      name: 'embedded (in-process)',
      available: true,
      make: () => {
        const store = make.memory();
        closers.push(() => store.close());
        return store;
      },
    },
  ];
  return { backends, redisPrefix, openRedis, closers };
}
