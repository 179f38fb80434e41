import type { Redis } from 'ioredis';
import { PHONE_LOCK_TTL_SECONDS, type PhoneLocks } from './phone-locks.ts';

/** KEYS[1]: the counter. ARGV: threshold, TTL ms. The count with this failure, or 0 when locked. */
const RESERVE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n
`;

/** KEYS[1]: the counter. One less, never below zero; a counter that reaches zero is dropped. */
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 1 then redis.call('DECR', KEYS[1]) elseif n == 1 then redis.call('DEL', KEYS[1]) end
return 1
`;

/** KEYS[1]: the counter. Its count, dropped in the same step (GETDEL needs Redis 6.2). */
const CLEAR = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('DEL', KEYS[1])
return n
`;

/** KEYS[1]: the counter. ARGV: failures to add, TTL ms. */
const RESTORE = `
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS[1]: the counter. {count, PTTL}, read at one instant. */
const READ = `
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}
`;

interface ScriptedRedis {
  tesseraPhoneLockReserve(key: string, threshold: number, ttlMs: number): Promise<number>;
  tesseraPhoneLockRelease(key: string): Promise<number>;
  tesseraPhoneLockClear(key: string): Promise<number>;
  tesseraPhoneLockRestore(key: string, failures: number, ttlMs: number): Promise<number>;
  tesseraPhoneLockRead(key: string): Promise<[number, number]>;
}

const COMMANDS: Record<keyof ScriptedRedis, string> = {
  tesseraPhoneLockReserve: RESERVE,
  tesseraPhoneLockRelease: RELEASE,
  tesseraPhoneLockClear: CLEAR,
  tesseraPhoneLockRestore: RESTORE,
  tesseraPhoneLockRead: READ,
};

/**
 * Layout: one integer per number, `${keyPrefix}phone-lock:${key}`, whose PTTL is refreshed to
 * PHONE_LOCK_TTL_SECONDS by every check that reserves on it or is refused by it. Each change is
 * one Lua script, so parallel checks of one number never count past the threshold.
 */
export function createRedisPhoneLocks(options: { redis: Redis; keyPrefix: string }): PhoneLocks {
  for (const [name, lua] of Object.entries(COMMANDS)) {
    options.redis.defineCommand(name, { lua, numberOfKeys: 1 });
  }
  const r = options.redis as unknown as ScriptedRedis;
  const counter = (key: string) => `${options.keyPrefix}phone-lock:${key}`;
  const ttlMs = PHONE_LOCK_TTL_SECONDS * 1000;
  return {
    async reserve(key, threshold) {
      const n = Number(await r.tesseraPhoneLockReserve(counter(key), threshold, ttlMs));
      return n > 0 ? n : null;
    },
    async release(key) {
      await r.tesseraPhoneLockRelease(counter(key));
    },
    async clear(key) {
      return Number(await r.tesseraPhoneLockClear(counter(key)));
    },
    async restore(key, failures) {
      if (failures > 0) await r.tesseraPhoneLockRestore(counter(key), failures, ttlMs);
    },
    async read(key) {
      const [failures, pttl] = await r.tesseraPhoneLockRead(counter(key));
      return Number(failures) > 0
        ? { failures: Number(failures), expiresInMs: Number(pttl) }
        : null;
    },
  };
}
