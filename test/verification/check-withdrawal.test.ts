import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodeStore } from '../../src/verification/code-store/code-store.ts';
import { createMemoryCodeStore } from '../../src/verification/code-store/memory-code-store.ts';
import { createRedisCodeStore } from '../../src/verification/code-store/redis-code-store.ts';
import { createTestRedisPrefix, redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { makeRecord } from '../helpers/verification-records.ts';

const redisPrefix = createTestRedisPrefix();
const opened: Redis[] = [];
afterAll(async () => {
  await redisPrefix.drop();
  for (const redis of opened) redis.disconnect();
});

const backends: { name: string; available: boolean; make: () => CodeStore }[] = [
  {
    name: 'redis',
    available: redisUrl !== null,
    make: () => {
      const redis = new Redis(redisUrl as string);
      opened.push(redis);
      return createRedisCodeStore({ redis, keyPrefix: redisPrefix.prefix, retentionMs: 3_600_000 });
    },
  },
  {
    name: 'embedded (in-process)',
    available: true,
    make: () => createMemoryCodeStore({ retentionMs: 3_600_000 }),
  },
];

const HASH = '$argon2id$stand-in';

/**
 * A check whose answer never came (the store stalled) may or may not have spent its attempt; the
 * check then withdraws itself by its token. The threat: a withdrawal that gives back an attempt
 * the check did not take, which would hand a guesser extra attempts.
 */
describe.each(backends)(
  'threat: a withdrawn check gives back more than it took: $name',
  ({ name, available, make }) => {
    const it_ = available ? it : it.skip;

    async function pending(store: CodeStore, overrides = {}) {
      const record = makeRecord(overrides);
      await store.create(record, HASH);
      const attempts = async () => (await store.get(record.appId, record.id))?.attempts;
      return { record, attempts };
    }

    it_('a counted check is given back once, however often it is withdrawn', async () => {
      const store = make();
      const { record, attempts } = await pending(store);
      expect((await store.beginCheck(record.appId, record.id, Date.now(), 'tok-a')).kind).toBe(
        'evaluate',
      );
      expect(await attempts()).toBe(1);
      expect(await store.withdrawCheck(record.appId, record.id, 'tok-a')).toBe(true);
      expect(await store.withdrawCheck(record.appId, record.id, 'tok-a')).toBe(false);
      expect(await attempts()).toBe(0);
    });

    it_("only this check's attempt: other checks' attempts stay spent", async () => {
      const store = make();
      const { record, attempts } = await pending(store);
      await store.beginCheck(record.appId, record.id, Date.now(), 'tok-a');
      await store.beginCheck(record.appId, record.id, Date.now(), 'tok-b');
      await store.beginCheck(record.appId, record.id, Date.now());
      expect(await store.withdrawCheck(record.appId, record.id, 'tok-never-sent')).toBe(false);
      expect(await attempts()).toBe(3);
      expect(await store.withdrawCheck(record.appId, record.id, 'tok-b')).toBe(true);
      expect(await attempts()).toBe(2);
    });

    it_(
      'withdrawn before it reached the store, the check counts nothing when it does',
      async () => {
        const store = make();
        const { record, attempts } = await pending(store);
        expect(await store.withdrawCheck(record.appId, record.id, 'tok-late')).toBe(false);
        const late = await store.beginCheck(record.appId, record.id, Date.now(), 'tok-late');
        expect(late.kind).toBe('closed');
        expect(await attempts()).toBe(0);
        // Other checks still evaluate.
        expect((await store.beginCheck(record.appId, record.id, Date.now(), 'tok-next')).kind).toBe(
          'evaluate',
        );
      },
    );

    it_('a check that found the verification closed took nothing and gets nothing', async () => {
      const store = make();
      const { record, attempts } = await pending(store, { maxAttempts: 1 });
      await store.beginCheck(record.appId, record.id, Date.now(), 'tok-last');
      const closed = await store.beginCheck(record.appId, record.id, Date.now(), 'tok-closed');
      expect(closed.kind).toBe('closed');
      expect(await store.withdrawCheck(record.appId, record.id, 'tok-closed')).toBe(false);
      expect(await attempts()).toBe(1);
    });

    it_('after a resend the attempt stays spent, as a refund would', async () => {
      const store = make();
      const t0 = Date.now();
      const { record, attempts } = await pending(store, { createdAt: t0 });
      await store.beginCheck(record.appId, record.id, t0, 'tok-a');
      await store.replaceCode(record.appId, record.id, 'new', t0 + 30_000, 30_000);
      expect(await store.withdrawCheck(record.appId, record.id, 'tok-a')).toBe(false);
      expect(await attempts()).toBe(1);
    });

    it_('withdrawing a check of an unknown verification creates nothing', async () => {
      const store = make();
      expect(await store.withdrawCheck('app_test', 'ver_unknown', 'tok-a')).toBe(false);
      expect(await store.get('app_test', 'ver_unknown')).toBeNull();
      if (name === 'redis') {
        const redis = new Redis(redisUrl as string);
        opened.push(redis);
        expect(await scanKeys(redis, `${redisPrefix.prefix}ver:app_test:ver_unknown`)).toEqual([]);
      }
    });
  },
);
