import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { IdempotencyClaim, IdempotencyStore } from './store.ts';

/**
 * Layout: KEYS[1] one hash per (app, Idempotency-Key) with fields fingerprint, state
 * (`pending` | `done`), status and body (JSON). Each transition is one script, so two requests
 * racing on one key never both claim it.
 */

/** ARGV: fingerprint, TTL ms. The TTL is set in the same script that creates the key. */
const CLAIM = `
local f = redis.call('HMGET', KEYS[1], 'fingerprint', 'state', 'status', 'body')
if not f[1] then
  redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'state', 'pending')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'claimed'}
end
if f[1] ~= ARGV[1] then return {'mismatch'} end
if f[2] == 'done' then return {'replay', f[3], f[4]} end
return {'in_progress'}
`;

/**
 * ARGV: fingerprint, status, body, TTL ms. Only the claim's owner completes, and only while the key
 * exists: HSET on an expired key would recreate it without a TTL. The claim's TTL is kept.
 */
const COMPLETE = `
if redis.call('HGET', KEYS[1], 'fingerprint') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1
`;

/** A stored response is never forgotten: only a claim still pending is released. */
const RELEASE = `
if redis.call('HGET', KEYS[1], 'state') == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface ScriptedRedis {
  tesseraIdemClaim(key: string, fingerprint: string, ttlMs: number): Promise<string[]>;
  tesseraIdemComplete(
    key: string,
    fingerprint: string,
    status: number,
    body: string,
    ttlMs: number,
  ): Promise<number>;
  tesseraIdemRelease(key: string): Promise<number>;
}

const COMMANDS: Record<keyof ScriptedRedis, { numberOfKeys: number; lua: string }> = {
  tesseraIdemClaim: { numberOfKeys: 1, lua: CLAIM },
  tesseraIdemComplete: { numberOfKeys: 1, lua: COMPLETE },
  tesseraIdemRelease: { numberOfKeys: 1, lua: RELEASE },
};

export interface RedisIdempotencyStoreOptions {
  redis: Redis;
  keyPrefix: string;
}

/** PEXPIRE takes whole positive milliseconds; 0 or less would delete the key it just wrote. */
function ttlArgument(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`invalid TTL: ${ttlMs} ms`);
  return Math.ceil(ttlMs);
}

/** Idempotency records on Redis: every transition is one Lua script, every key carries a TTL. */
export function createRedisIdempotencyStore({
  redis,
  keyPrefix,
}: RedisIdempotencyStoreOptions): IdempotencyStore {
  for (const [name, { numberOfKeys, lua }] of Object.entries(COMMANDS)) {
    redis.defineCommand(name, { numberOfKeys, lua });
  }
  const r = redis as unknown as Redis & ScriptedRedis;
  // The client's key is hashed so an arbitrary header value never becomes part of a key name.
  const keyOf = (appId: string, key: string) =>
    `${keyPrefix}idem:${appId}:${createHash('sha256').update(key, 'utf8').digest('hex')}`;

  return {
    async claim(appId, key, fingerprint, ttlMs): Promise<IdempotencyClaim> {
      const reply = await r.tesseraIdemClaim(keyOf(appId, key), fingerprint, ttlArgument(ttlMs));
      switch (reply[0]) {
        case 'claimed':
          return { kind: 'claimed' };
        case 'mismatch':
          return { kind: 'mismatch' };
        case 'replay':
          return { kind: 'replay', status: Number(reply[1]), body: JSON.parse(reply[2] ?? 'null') };
        default:
          return { kind: 'in_progress' };
      }
    },

    async complete(appId, key, fingerprint, response, ttlMs) {
      await r.tesseraIdemComplete(
        keyOf(appId, key),
        fingerprint,
        response.status,
        // JSON.stringify(undefined) is undefined; an empty body replays as null.
        JSON.stringify(response.body) ?? 'null',
        ttlArgument(ttlMs),
      );
    },

    async release(appId, key) {
      await r.tesseraIdemRelease(keyOf(appId, key));
    },
  };
}
