import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodeStore } from '../../src/verification/code-store/code-store.ts';
import { createMemoryCodeStore } from '../../src/verification/code-store/memory-code-store.ts';
import { createRedisCodeStore } from '../../src/verification/code-store/redis-code-store.ts';
import { createTestRedisPrefix, redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { makeRecord } from '../helpers/verification-records.ts';

type StoreFactory = (retentionMs?: number) => CodeStore;

const redisPrefix = createTestRedisPrefix();
const opened: Redis[] = [];
afterAll(async () => {
  await redisPrefix.drop();
  for (const redis of opened) redis.disconnect();
});

const backends: { name: string; available: boolean; make: StoreFactory }[] = [
  {
    name: 'redis',
    available: redisUrl !== null,
    make: (retentionMs = 3_600_000) => {
      const redis = new Redis(redisUrl as string);
      opened.push(redis);
      return createRedisCodeStore({ redis, keyPrefix: redisPrefix.prefix, retentionMs });
    },
  },
  {
    name: 'embedded (in-process)',
    available: true,
    make: (retentionMs = 3_600_000) => createMemoryCodeStore({ retentionMs }),
  },
];

const HASH = '$argon2id$stand-in';

describe.each(backends)('code store contract: $name', ({ available, make }) => {
  const it_ = available ? it : it.skip;

  it_('keeps what it was given', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    expect(await store.get(record.appId, record.id)).toEqual(record);
    expect(await store.get('app_other', record.id)).toBeNull();
    expect(await store.get(record.appId, 'ver_unknown')).toBeNull();
  });

  it_('identifies a verification by what never changes about it, for checks', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    const identity = {
      id: record.id,
      appId: record.appId,
      purpose: record.purpose,
      phoneHmac: record.phoneHmac,
      phoneMasked: record.phoneMasked,
      codeLength: record.codeLength,
      expiresAt: record.expiresAt,
    };
    expect(await store.identify(record.appId, record.id, Date.now())).toEqual(identity);
    // Past the code's life it is still known (the check then finds it closed), until purged.
    expect(await store.identify(record.appId, record.id, record.expiresAt + 1)).toEqual(identity);
    expect(await store.identify('app_other', record.id, Date.now())).toBeNull();
    expect(await store.identify(record.appId, 'ver_unknown', Date.now())).toBeNull();
  });

  it_(
    'counts the attempt before handing out the hash, and closes when attempts run out',
    async () => {
      const store = make();
      const record = makeRecord({ maxAttempts: 3 });
      await store.create(record, HASH);
      for (let i = 1; i <= 3; i++) {
        const start = await store.beginCheck(record.appId, record.id, Date.now());
        expect(start.kind).toBe('evaluate');
        if (start.kind === 'evaluate') {
          expect(start.codeHash).toBe(HASH);
          expect(start.record.attempts).toBe(i);
        }
      }
      const after = await store.beginCheck(record.appId, record.id, Date.now());
      expect(after.kind).toBe('closed');
      expect((await store.get(record.appId, record.id))?.attempts).toBe(3);
    },
  );

  it_('threat: 25 parallel guesses are never evaluated more than the attempt budget', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    const starts = await Promise.all(
      Array.from({ length: 25 }, () => store.beginCheck(record.appId, record.id, Date.now())),
    );
    expect(starts.filter((s) => s.kind === 'evaluate')).toHaveLength(record.maxAttempts);
    expect(starts.filter((s) => s.kind === 'closed')).toHaveLength(25 - record.maxAttempts);
  });

  it_('threat: 25 parallel approvals of one code give exactly one', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    const results = await Promise.all(
      Array.from({ length: 25 }, () => store.approve(record.appId, record.id, 1, Date.now())),
    );
    expect(results.filter((r) => r.approved)).toHaveLength(1);
    const stored = await store.get(record.appId, record.id);
    expect(stored?.status).toBe('approved');
    expect((await store.beginCheck(record.appId, record.id, Date.now())).kind).toBe('closed');
  });

  it_('approves only the code version that was checked, and never after expiry', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    expect((await store.approve(record.appId, record.id, 2, Date.now())).approved).toBe(false);
    expect((await store.approve(record.appId, record.id, 1, record.expiresAt)).approved).toBe(
      false,
    );
    expect((await store.approve(record.appId, record.id, 1, record.expiresAt - 1)).approved).toBe(
      true,
    );
  });

  it_(
    'a new verification for the same app, number and purpose cancels the pending one',
    async () => {
      const store = make();
      // A number of its own: the Redis backend shares one key prefix across these cases.
      const phoneHmac = randomBytes(32).toString('hex');
      const first = makeRecord({ phoneHmac });
      const otherPurpose = makeRecord({ phoneHmac, purpose: 'signup' });
      const otherApp = makeRecord({ phoneHmac, appId: 'app_other' });
      expect(await store.pendingFor(first.appId, first.purpose, first.phoneHmac)).toBeNull();
      for (const r of [first, otherPurpose, otherApp]) {
        // Each is the first of its app, purpose and number: it supersedes nothing.
        expect(await store.create(r, HASH)).toEqual({ superseded: null });
      }
      expect(await store.pendingFor(first.appId, first.purpose, first.phoneHmac)).toBe(first.id);
      const second = makeRecord({ phoneHmac });
      // It names the one it cancelled, so that the caller can audit that cancellation.
      expect(await store.create(second, HASH)).toEqual({ superseded: first.id });
      expect(await store.pendingFor(first.appId, first.purpose, first.phoneHmac)).toBe(second.id);
      expect((await store.get(first.appId, first.id))?.status).toBe('canceled');
      expect((await store.beginCheck(first.appId, first.id, Date.now())).kind).toBe('closed');
      expect((await store.approve(first.appId, first.id, 1, Date.now())).approved).toBe(false);
      expect((await store.get(second.appId, second.id))?.status).toBe('pending');
      expect((await store.get(otherPurpose.appId, otherPurpose.id))?.status).toBe('pending');
      expect((await store.get(otherApp.appId, otherApp.id))?.status).toBe('pending');
    },
  );

  it_(
    'a verification no longer pending is superseded by nothing: only a pending one is named',
    async () => {
      const store = make();
      const phoneHmac = randomBytes(32).toString('hex');
      const approved = makeRecord({ phoneHmac });
      await store.create(approved, HASH);
      expect((await store.approve(approved.appId, approved.id, 1, Date.now())).approved).toBe(true);
      expect(
        await store.pendingFor(approved.appId, approved.purpose, approved.phoneHmac),
      ).toBeNull();
      const canceled = makeRecord({ phoneHmac });
      expect(await store.create(canceled, HASH)).toEqual({ superseded: null });
      await store.cancel(canceled.appId, canceled.id, Date.now());
      expect(
        await store.pendingFor(canceled.appId, canceled.purpose, canceled.phoneHmac),
      ).toBeNull();
      expect(await store.create(makeRecord({ phoneHmac }), HASH)).toEqual({ superseded: null });
      expect((await store.get(approved.appId, approved.id))?.status).toBe('approved');
    },
  );

  it_(
    'a resend waits for the cooldown, replaces the code, keeps the attempts and caps the sends',
    async () => {
      const store = make();
      const t0 = Date.now();
      const record = makeRecord({ createdAt: t0, maxSends: 2 });
      await store.create(record, HASH);
      await store.beginCheck(record.appId, record.id, t0);

      const early = await store.replaceCode(record.appId, record.id, 'new', t0 + 10_000, 30_000);
      expect(early).toMatchObject({ kind: 'cooldown', retryAfterMs: 20_000 });

      const resent = await store.replaceCode(record.appId, record.id, 'new', t0 + 30_000, 30_000);
      expect(resent.kind).toBe('replaced');
      if (resent.kind !== 'replaced') return;
      expect(resent.record).toMatchObject({
        codeVersion: 2,
        sendCount: 2,
        attempts: 1,
        lastSentAt: t0 + 30_000,
      });
      expect(resent.record.expiresAt).toBe(t0 + 30_000 + record.ttlMs);

      expect((await store.approve(record.appId, record.id, 1, t0 + 31_000)).approved).toBe(false);
      const start = await store.beginCheck(record.appId, record.id, t0 + 31_000);
      expect(start).toMatchObject({ kind: 'evaluate', codeHash: 'new' });

      const capped = await store.replaceCode(record.appId, record.id, 'newer', t0 + 90_000, 30_000);
      expect(capped.kind).toBe('max_sends');
    },
  );

  it_('expired or cancelled verifications are closed to checks and resends', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    expect((await store.beginCheck(record.appId, record.id, record.expiresAt)).kind).toBe('closed');
    expect((await store.replaceCode(record.appId, record.id, 'x', record.expiresAt, 0)).kind).toBe(
      'closed',
    );
    const canceled = await store.cancel(record.appId, record.id, Date.now());
    expect(canceled?.status).toBe('canceled');
    expect((await store.beginCheck(record.appId, record.id, Date.now())).kind).toBe('closed');
    expect(await store.cancel(record.appId, 'ver_unknown', Date.now())).toBeNull();
  });

  it_(
    'an approval whose audit row failed can be undone: the code works again, its attempt back',
    async () => {
      const store = make();
      const record = makeRecord();
      await store.create(record, HASH);
      const now = Date.now();
      const start = await store.beginCheck(record.appId, record.id, now);
      expect(start.kind).toBe('evaluate');
      expect((await store.approve(record.appId, record.id, 1, now)).approved).toBe(true);
      expect(await store.revertApproval(record.appId, record.id, 2, HASH, now)).toBe(false);
      expect(await store.revertApproval(record.appId, record.id, 1, HASH, now + 1)).toBe(false);
      expect(await store.revertApproval(record.appId, record.id, 1, HASH, now)).toBe(true);
      expect(await store.get(record.appId, record.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        approvedAt: null,
      });
      expect(await store.beginCheck(record.appId, record.id, now + 1)).toMatchObject({
        kind: 'evaluate',
        codeHash: HASH,
      });
      expect((await store.approve(record.appId, record.id, 1, now + 1)).approved).toBe(true);
    },
  );

  it_('gives back an attempt only for the same code version, never below zero', async () => {
    const store = make();
    const record = makeRecord();
    await store.create(record, HASH);
    await store.beginCheck(record.appId, record.id, Date.now());
    await store.refundAttempt(record.appId, record.id, 2);
    expect((await store.get(record.appId, record.id))?.attempts).toBe(1);
    await store.refundAttempt(record.appId, record.id, 1);
    await store.refundAttempt(record.appId, record.id, 1);
    expect((await store.get(record.appId, record.id))?.attempts).toBe(0);
  });

  it_('records delivery, and never recreates a purged verification', async () => {
    const store = make(50);
    const record = makeRecord({ ttlMs: 100, expiresAt: Date.now() + 100 });
    await store.create(record, HASH);
    await store.setDelivery(record.appId, record.id, 'sent', 'console');
    expect(await store.get(record.appId, record.id)).toMatchObject({
      deliveryStatus: 'sent',
      deliveryRoute: 'console',
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await store.get(record.appId, record.id)).toBeNull();
    await store.setDelivery(record.appId, record.id, 'delivered', 'console');
    expect(await store.get(record.appId, record.id)).toBeNull();
  });
});

describe.skipIf(!redisUrl)('code store on Redis: identities across processes', () => {
  it('a process that did not create a verification reads its identity from Redis', async () => {
    const redis = new Redis(redisUrl as string);
    opened.push(redis);
    const prefix = `${redisPrefix.prefix}identity:`;
    const creator = createRedisCodeStore({ redis, keyPrefix: prefix, retentionMs: 60_000 });
    const other = createRedisCodeStore({ redis, keyPrefix: prefix, retentionMs: 60_000 });
    const record = makeRecord();
    await creator.create(record, HASH);
    expect((await other.identify(record.appId, record.id, Date.now()))?.phoneHmac).toBe(
      record.phoneHmac,
    );
    // Gone from Redis (purged): a process that never cached it does not know it either.
    await redis.del(...(await scanKeys(redis, prefix)));
    const fresh = createRedisCodeStore({ redis, keyPrefix: prefix, retentionMs: 60_000 });
    expect(await fresh.identify(record.appId, record.id, Date.now())).toBeNull();
  });
});

describe.skipIf(!redisUrl)('code store on Redis: what it leaves behind', () => {
  it('puts a TTL on every key it writes', async () => {
    const redis = new Redis(redisUrl as string);
    opened.push(redis);
    const prefix = `${redisPrefix.prefix}ttl:`;
    const store = createRedisCodeStore({ redis, keyPrefix: prefix, retentionMs: 60_000 });
    const record = makeRecord();
    await store.create(record, HASH);
    await store.create(makeRecord({ purpose: 'signup' }), HASH);
    await store.beginCheck(record.appId, record.id, Date.now());
    await store.replaceCode(record.appId, record.id, 'x', Date.now() + 30_000, 30_000);
    await store.setDelivery(record.appId, record.id, 'sent', 'console');
    const keys = await scanKeys(redis, prefix);
    // two verifications: record, code and pending index each
    expect(keys).toHaveLength(6);
    for (const key of keys) expect(await redis.pttl(key), key).toBeGreaterThan(0);
  });
});
