import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryIdempotencyStore } from '../../src/http/idempotency/memory-idempotency-store.ts';
import { createRedisIdempotencyStore } from '../../src/http/idempotency/redis-idempotency-store.ts';
import type { IdempotencyStore } from '../../src/http/idempotency/store.ts';
import { redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { storeContract } from '../helpers/store-contract.ts';

const { backends, redisPrefix, openRedis, closers } = storeContract<IdempotencyStore>({
  redis: (redis, keyPrefix) => createRedisIdempotencyStore({ redis, keyPrefix }),
  memory: () => createMemoryIdempotencyStore(),
});

const DAY = 24 * 60 * 60 * 1000;
const FP = 'a'.repeat(64);
const OTHER_FP = 'b'.repeat(64);
let counter = 0;
/** A key no other test uses, even on the shared Redis prefix. */
const freshKey = () => `key-${Date.now()}-${++counter}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends)('idempotency store contract: $name', ({ available, make }) => {
  const it_ = available ? it : it.skip;

  it_('claims a new key once; the same request meanwhile is in progress', async () => {
    const store = make();
    const key = freshKey();
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'claimed' });
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'in_progress' });
  });

  it_('replays the stored response, with its status and body as they were', async () => {
    const store = make();
    const key = freshKey();
    const body = {
      id: 'ver_1',
      status: 'pending',
      to: '+33 6•• •• •• 78',
      delivery: { status: 'sent', route: 'primary' },
      list: [1, 'two', null, { three: 3 }],
    };
    await store.claim('app_a', key, FP, DAY);
    await store.complete('app_a', key, FP, { status: 201, body }, DAY);
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'replay', status: 201, body });
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'replay', status: 201, body });
  });

  it_('replays an empty body as null', async () => {
    const store = make();
    const key = freshKey();
    await store.claim('app_a', key, FP, DAY);
    await store.complete('app_a', key, FP, { status: 204, body: undefined }, DAY);
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({
      kind: 'replay',
      status: 204,
      body: null,
    });
  });

  it_('answers mismatch to another request with the key, pending or done', async () => {
    const store = make();
    const key = freshKey();
    await store.claim('app_a', key, FP, DAY);
    expect(await store.claim('app_a', key, OTHER_FP, DAY)).toEqual({ kind: 'mismatch' });
    await store.complete('app_a', key, FP, { status: 201, body: { ok: true } }, DAY);
    expect(await store.claim('app_a', key, OTHER_FP, DAY)).toEqual({ kind: 'mismatch' });
  });

  it_('keeps keys apart per app', async () => {
    const store = make();
    const key = freshKey();
    await store.claim('app_a', key, FP, DAY);
    expect(await store.claim('app_b', key, OTHER_FP, DAY)).toEqual({ kind: 'claimed' });
  });

  it_('completes only for the fingerprint that claimed, and only an existing claim', async () => {
    const store = make();
    const key = freshKey();
    await store.claim('app_a', key, FP, DAY);
    await store.complete('app_a', key, OTHER_FP, { status: 201, body: 'theirs' }, DAY);
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'in_progress' });

    const never = freshKey();
    await store.complete('app_a', never, FP, { status: 201, body: 'ghost' }, DAY);
    expect(await store.claim('app_a', never, FP, DAY)).toEqual({ kind: 'claimed' });
  });

  it_(
    'releases a pending claim so a retry can claim again, but never a stored response',
    async () => {
      const store = make();
      const key = freshKey();
      await store.claim('app_a', key, FP, DAY);
      await store.release('app_a', key);
      expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'claimed' });

      await store.complete('app_a', key, FP, { status: 201, body: { id: 'ver_2' } }, DAY);
      await store.release('app_a', key);
      expect(await store.claim('app_a', key, FP, DAY)).toMatchObject({
        kind: 'replay',
        status: 201,
      });
      await store.release('app_a', freshKey());
    },
  );

  it_('forgets a key once its TTL has passed, claimed or completed', async () => {
    const store = make();
    const pending = freshKey();
    const done = freshKey();
    await store.claim('app_a', pending, FP, 100);
    await store.claim('app_a', done, FP, 100);
    await store.complete('app_a', done, FP, { status: 201, body: {} }, 100);
    await sleep(300);
    expect(await store.claim('app_a', pending, OTHER_FP, DAY)).toEqual({ kind: 'claimed' });
    expect(await store.claim('app_a', done, OTHER_FP, DAY)).toEqual({ kind: 'claimed' });
  });

  it_('does not bring back an expired claim on complete', async () => {
    const store = make();
    const key = freshKey();
    await store.claim('app_a', key, FP, 100);
    await sleep(300);
    await store.complete('app_a', key, FP, { status: 201, body: {} }, DAY);
    expect(await store.claim('app_a', key, FP, DAY)).toEqual({ kind: 'claimed' });
  });

  it_('refuses a TTL that is not a positive number of milliseconds', async () => {
    const store = make();
    await expect(store.claim('app_a', freshKey(), FP, 0)).rejects.toThrow(RangeError);
    await expect(store.claim('app_a', freshKey(), FP, Number.NaN)).rejects.toThrow(RangeError);
  });

  it_('threat: 20 parallel claims of one key give exactly one claimed', async () => {
    const store = make();
    const key = freshKey();
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => store.claim('app_a', key, FP, DAY)),
    );
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_progress')).toHaveLength(19);
  });
});

describe.skipIf(!redisUrl)('idempotency store on Redis: what it leaves behind', () => {
  it('threat: 20 parallel claims over 4 connections (4 app instances) give exactly one claimed', async () => {
    const stores = Array.from({ length: 4 }, () =>
      createRedisIdempotencyStore({ redis: openRedis(), keyPrefix: redisPrefix.prefix }),
    );
    const key = freshKey();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 4]?.claim('app_a', key, FP, DAY)),
    );
    expect(claims.filter((c) => c?.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c?.kind === 'in_progress')).toHaveLength(19);
  });

  it('puts a TTL on every key, keeps it on complete, and never names a key after the client key', async () => {
    const redis = openRedis();
    const prefix = `${redisPrefix.prefix}ttl:`;
    const store = createRedisIdempotencyStore({ redis, keyPrefix: prefix });
    const clientKey = 'order 42 * ? [x] \\ {tag} +33612345678';
    await store.claim('app_a', clientKey, FP, DAY);
    await store.claim('app_a', 'released', FP, DAY);
    await store.release('app_a', 'released');
    await store.complete('app_a', 'never-claimed', FP, { status: 201, body: {} }, DAY);

    const expected = `${prefix}idem:app_a:${createHash('sha256').update(clientKey).digest('hex')}`;
    expect(await scanKeys(redis, prefix)).toEqual([expected]);
    const claimedTtl = await redis.pttl(expected);
    expect(claimedTtl).toBeGreaterThan(DAY - 60_000);

    await store.complete('app_a', clientKey, FP, { status: 201, body: { id: 'ver_3' } }, DAY * 2);
    const doneTtl = await redis.pttl(expected);
    expect(doneTtl).toBeGreaterThan(0);
    expect(doneTtl).toBeLessThanOrEqual(claimedTtl);
    expect(await redis.hgetall(expected)).toEqual({
      fingerprint: FP,
      state: 'done',
      status: '201',
      body: '{"id":"ver_3"}',
    });
  });
});

describe('idempotency store, embedded: expiry follows its wall clock', () => {
  it('forgets a key when the wall clock passes its TTL, not before', async () => {
    let wall = 1_000_000;
    const store = createMemoryIdempotencyStore({ wallClock: () => wall });
    closers.push(() => store.close());
    await store.claim('app_a', 'k', FP, 1_000);
    await store.complete('app_a', 'k', FP, { status: 201, body: {} }, 1_000);
    wall += 999;
    expect(await store.claim('app_a', 'k', FP, 1_000)).toMatchObject({ kind: 'replay' });
    wall += 1;
    expect(await store.claim('app_a', 'k', OTHER_FP, 1_000)).toEqual({ kind: 'claimed' });
  });
});
