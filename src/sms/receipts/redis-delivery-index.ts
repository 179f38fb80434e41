import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DeliveryIndex } from './delivery-index.ts';

/** Provider message id → verification, one string key with a TTL per message sent. */
export function createRedisDeliveryIndex({
  redis,
  keyPrefix,
}: {
  redis: Redis;
  keyPrefix: string;
}): DeliveryIndex {
  // Hashed: a provider's id is its own format and length; it never becomes a raw key name.
  const key = (route: string, id: string) =>
    `${keyPrefix}dlr:${route}:${createHash('sha256').update(id).digest('hex')}`;
  return {
    async remember(route, providerMessageId, entry, ttlMs) {
      await redis.set(key(route, providerMessageId), JSON.stringify(entry), 'PX', ttlMs);
    },
    async lookup(route, providerMessageId) {
      const value = await redis.get(key(route, providerMessageId));
      return value ? (JSON.parse(value) as Awaited<ReturnType<DeliveryIndex['lookup']>>) : null;
    },
  };
}
