import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemorySendCooldowns } from '../../src/limits/send-cooldowns/memory-send-cooldowns.ts';
import { createRedisSendCooldowns } from '../../src/limits/send-cooldowns/redis-send-cooldowns.ts';
import type { SendCooldowns } from '../../src/limits/send-cooldowns/send-cooldowns.ts';
import { scanKeys } from '../helpers/real-stores.ts';
import { storeContract } from '../helpers/store-contract.ts';

const { backends, redisPrefix, openRedis } = storeContract<SendCooldowns>({
  redis: (redis, keyPrefix) => createRedisSendCooldowns({ redis, keyPrefix }),
  memory: () => createMemorySendCooldowns(),
});

const T0 = Date.now();
const COOLDOWN = 30_000;
const unique = () => `app_${randomBytes(4).toString('hex')}:${randomBytes(8).toString('hex')}`;

describe.each(backends)('send cooldowns contract: $name', ({ available, make }) => {
  const it_ = available ? it : it.skip;

  it_(
    'claims a free key, then refuses until the cooldown has run, on the given clock',
    async () => {
      const cooldowns = make();
      const key = unique();
      expect(await cooldowns.claim(key, COOLDOWN, T0)).toEqual({ claimed: true });
      expect(await cooldowns.claim(key, COOLDOWN, T0)).toEqual({
        claimed: false,
        retryAfterMs: COOLDOWN,
      });
      expect(await cooldowns.claim(key, COOLDOWN, T0 + COOLDOWN - 1)).toEqual({
        claimed: false,
        retryAfterMs: 1,
      });
      expect(await cooldowns.claim(key, COOLDOWN, T0 + COOLDOWN)).toEqual({ claimed: true });
      // The new claim holds from its own time.
      expect(await cooldowns.claim(key, COOLDOWN, T0 + COOLDOWN + 5_000)).toEqual({
        claimed: false,
        retryAfterMs: COOLDOWN - 5_000,
      });
      // Keys are independent.
      expect(await cooldowns.claim(unique(), COOLDOWN, T0)).toEqual({ claimed: true });
    },
  );

  it_('of N concurrent claims on a free key, exactly one succeeds', async () => {
    const cooldowns = make();
    const key = unique();
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => cooldowns.claim(key, COOLDOWN, T0)),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });

  it_('a released claim frees the key; a release of an older claim does not', async () => {
    const cooldowns = make();
    const key = unique();
    await cooldowns.claim(key, COOLDOWN, T0);
    await cooldowns.release(key, T0);
    expect(await cooldowns.claim(key, COOLDOWN, T0 + 1)).toEqual({ claimed: true });
    // The claim of T0 is no longer the key's: releasing it again leaves T0 + 1 in force.
    await cooldowns.release(key, T0);
    expect(await cooldowns.claim(key, COOLDOWN, T0 + 2)).toMatchObject({ claimed: false });
    // Releasing a key never claimed is harmless.
    await cooldowns.release(unique(), T0);
  });

  it_(
    'a cooldown shorter than the time since the last claim lets the next one through',
    async () => {
      const cooldowns = make();
      const key = unique();
      await cooldowns.claim(key, COOLDOWN, T0);
      expect(await cooldowns.claim(key, 10_000, T0 + 10_000)).toEqual({ claimed: true });
    },
  );
});

describe.skipIf(!backends[0]?.available)('send cooldowns on Redis', () => {
  it('keeps each key no longer than its cooldown, and no clear number in it', async () => {
    const redis = openRedis();
    const cooldowns = createRedisSendCooldowns({ redis, keyPrefix: redisPrefix.prefix });
    const key = unique();
    await cooldowns.claim(key, COOLDOWN, T0);
    const stored = (await scanKeys(redis, redisPrefix.prefix)).find((k) => k.endsWith(key));
    expect(stored).toBe(`${redisPrefix.prefix}cooldown:${key}`);
    const ttl = await redis.pttl(stored as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(COOLDOWN);
  });
});
