import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryPhoneLocks } from '../../src/limits/phone-locks/memory-phone-locks.ts';
import {
  PHONE_LOCK_TTL_SECONDS,
  type PhoneLocks,
} from '../../src/limits/phone-locks/phone-locks.ts';
import { createRedisPhoneLocks } from '../../src/limits/phone-locks/redis-phone-locks.ts';
import { createTestRedisPrefix, redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { storeContract } from '../helpers/store-contract.ts';

const { backends, openRedis } = storeContract<PhoneLocks>({
  redis: (redis, keyPrefix) => createRedisPhoneLocks({ redis, keyPrefix }),
  memory: () => createMemoryPhoneLocks(),
});

const TTL_MS = PHONE_LOCK_TTL_SECONDS * 1000;
const DAY_MS = 86_400_000;
const unique = (label: string) => `app_${randomBytes(4).toString('hex')}:${label}`;

describe.each(backends)('phone locks contract: $name', ({ available, make }) => {
  const it_ = available ? it : it.skip;

  it_('counts failures up to the threshold, then refuses: the number is locked', async () => {
    const locks = make();
    const key = unique('lock');
    for (let i = 1; i <= 3; i++) expect(await locks.reserve(key, 3)).toBe(i);
    expect(await locks.reserve(key, 3)).toBeNull();
    expect(await locks.reserve(key, 3)).toBeNull();
    expect((await locks.read(key))?.failures).toBe(3);
    // A higher threshold (the app's setting raised) lets it count again.
    expect(await locks.reserve(key, 4)).toBe(4);
    expect(await locks.read(unique('never'))).toBeNull();
  });

  it_(
    'gives a reserved failure back, never below zero, and forgets a counter at zero',
    async () => {
      const locks = make();
      const key = unique('release');
      await locks.reserve(key, 2);
      await locks.reserve(key, 2);
      expect(await locks.reserve(key, 2)).toBeNull();
      await locks.release(key);
      expect((await locks.read(key))?.failures).toBe(1);
      expect(await locks.reserve(key, 2)).toBe(2);
      await locks.release(key);
      await locks.release(key);
      expect(await locks.read(key)).toBeNull();
      await locks.release(key);
      expect(await locks.read(key)).toBeNull();
      expect(await locks.reserve(key, 2)).toBe(1);
    },
  );

  it_('clears a counter and says how many failures it held; restores them', async () => {
    const locks = make();
    const key = unique('clear');
    for (let i = 0; i < 5; i++) await locks.reserve(key, 5);
    expect(await locks.clear(key)).toBe(5);
    expect(await locks.read(key)).toBeNull();
    expect(await locks.clear(key)).toBe(0);
    expect(await locks.reserve(key, 5)).toBe(1);
    // Put back on top of what came meanwhile.
    await locks.restore(key, 5);
    expect(await locks.reserve(key, 7)).toBe(7);
    expect(await locks.reserve(key, 7)).toBeNull();
    await locks.restore(unique('nothing'), 0);
  });

  it_('never lets 60 parallel reservations past a threshold of 25', async () => {
    const locks = make();
    const key = unique('race');
    await locks.reserve(key, 25);
    const results = await Promise.all(Array.from({ length: 60 }, () => locks.reserve(key, 25)));
    const held = results.filter((n): n is number => n !== null);
    expect(held).toHaveLength(24);
    // Each holder got its own place: 2..25, each once.
    expect(new Set(held).size).toBe(24);
    expect(Math.max(...held)).toBe(25);
    expect((await locks.read(key))?.failures).toBe(25);
  });

  it_(
    'keeps failures for PHONE_LOCK_TTL_SECONDS after the last check, counted or refused',
    async () => {
      const locks = make();
      const key = unique('ttl');
      await locks.reserve(key, 1);
      const left = (await locks.read(key))?.expiresInMs ?? 0;
      expect(left).toBeGreaterThan(TTL_MS - 5_000);
      expect(left).toBeLessThanOrEqual(TTL_MS);
      expect(await locks.reserve(key, 1)).toBeNull();
      expect((await locks.read(key))?.expiresInMs).toBeGreaterThan(TTL_MS - 5_000);
    },
  );
});

describe('in-process phone locks: time', () => {
  it('forgets a number 90 days after its last check, and a refused check restarts the 90 days', async () => {
    let wall = Date.now();
    const locks = createMemoryPhoneLocks({ wallClock: () => wall });
    try {
      const key = unique('days');
      await locks.reserve(key, 2);
      await locks.reserve(key, 2);
      wall += 89 * DAY_MS;
      expect(await locks.reserve(key, 2)).toBeNull();
      wall += 89 * DAY_MS;
      expect(await locks.reserve(key, 2)).toBeNull();
      wall += TTL_MS;
      expect(await locks.read(key)).toBeNull();
      expect(await locks.reserve(key, 2)).toBe(1);
    } finally {
      locks.close();
    }
  });
});

describe.skipIf(redisUrl === null)('redis phone locks: keys', () => {
  it('writes one key per number under its own prefix, always with a TTL that a check restarts', async () => {
    const { prefix, drop } = createTestRedisPrefix();
    const redis = openRedis();
    try {
      const locks = createRedisPhoneLocks({ redis, keyPrefix: prefix });
      await locks.reserve('app_x:hmac-a', 2);
      await locks.reserve('app_x:hmac-a', 2);
      await locks.restore('app_x:hmac-b', 3);
      await locks.reserve('app_x:hmac-c', 2);
      await locks.release('app_x:hmac-c');
      await locks.release('app_x:hmac-d');
      await locks.read('app_x:hmac-e');
      const keys = (await scanKeys(redis, prefix)).sort();
      expect(keys).toEqual([
        `${prefix}phone-lock:app_x:hmac-a`,
        `${prefix}phone-lock:app_x:hmac-b`,
      ]);
      for (const key of keys) {
        expect(await redis.pttl(key)).toBeGreaterThan(TTL_MS - 5_000);
        expect(await redis.pttl(key)).toBeLessThanOrEqual(TTL_MS);
      }
      // A refused check (the number locked) restarts its time too.
      await redis.pexpire(`${prefix}phone-lock:app_x:hmac-a`, 60_000);
      expect(await locks.reserve('app_x:hmac-a', 2)).toBeNull();
      expect(await redis.pttl(`${prefix}phone-lock:app_x:hmac-a`)).toBeGreaterThan(TTL_MS - 5_000);
    } finally {
      await drop();
    }
  });
});
