import { describe, expect, it } from 'vitest';
import type { AccessStore, Principal } from '../../src/access/access-store.ts';
import { createApiKeyHasher } from '../../src/access/api-key-format.ts';
import { cachePrincipals, REVOCATION_CHECK_MS } from '../../src/access/principal-cache.ts';
import type { Revocations } from '../../src/access/revocations.ts';

const TTL_MS = 10_000;

function principal(keyId: string): Principal {
  return {
    keyId,
    scopes: ['verify'],
    app: { id: 'app_1', name: 'shop', brand: null, webOtpDomain: null, settings: {} },
  };
}

/**
 * Keys in memory, standing for Postgres: `lookups` counts round trips, `active` is the truth, and
 * `gate` lets a test hold a lookup in flight.
 */
function memoryStore() {
  const active = new Map<string, Principal>([['hash-a', principal('key_a')]]);
  const state = { lookups: 0, gate: null as Promise<void> | null };
  const store: AccessStore = {
    hasher: createApiKeyHasher(Buffer.alloc(32)),
    async findActiveKey(keyHash) {
      state.lookups += 1;
      const found = active.get(keyHash) ?? null;
      await state.gate;
      return found;
    },
    upgradeLegacyKey: async () => null,
    findApp: async () => principal('key_a').app,
    ensureApp: async () => principal('key_a').app,
    updateApp: async () => {},
    insertKey: async () => true,
    listKeys: async () => [],
    async revokeKey(keyId) {
      for (const [hash, p] of active) if (p.keyId === keyId) active.delete(hash);
      return 'app_1';
    },
    ping: async () => {},
    close: async () => {},
  };
  return { store, active, state };
}

/** Redis as the cache sees it: a counter, a channel, and a switch to make it unreachable. */
function memoryRevocations() {
  const listeners: { revoked(keyId: string): void; missed(): void }[] = [];
  const redis = {
    counter: null as string | null,
    reachable: true,
    reads: 0,
    announced: [] as string[],
  };
  const revocations: Revocations = {
    async announce(keyId) {
      if (!redis.reachable) throw new Error('redis down');
      redis.counter = String(Number(redis.counter ?? 0) + 1);
      redis.announced.push(keyId);
      for (const listener of listeners) listener.revoked(keyId);
    },
    async version() {
      redis.reads += 1;
      if (!redis.reachable) throw new Error('redis down');
      return redis.counter;
    },
    async listen(on) {
      listeners.push(on);
      return async () => {};
    },
  };
  /** What a revocation elsewhere does when its message does not arrive here. */
  const revokedUnheard = () => {
    redis.counter = String(Number(redis.counter ?? 0) + 1);
  };
  return { revocations, redis, listeners, revokedUnheard };
}

function setup() {
  let now = 1_000_000;
  const memory = memoryStore();
  const feed = memoryRevocations();
  const cache = cachePrincipals(memory.store, {
    ttlMs: TTL_MS,
    maxEntries: 100,
    now: () => now,
    revocations: feed.revocations,
  });
  return {
    ...memory,
    ...feed,
    cache,
    advance: (ms: number) => {
      now += ms;
    },
    /** A lookup, then a hit that reads the counter: the cache is warm and vouched for. */
    async warm() {
      await cache.listen();
      await cache.findActiveKey('hash-a');
      await cache.findActiveKey('hash-a');
    },
  };
}

describe('principal cache with revocations announced through Redis', () => {
  it('believes a warm entry for a second without asking Postgres or Redis again', async () => {
    const t = setup();
    await t.warm();
    const { lookups, reads } = { lookups: t.state.lookups, reads: t.redis.reads };

    t.advance(REVOCATION_CHECK_MS - 1);
    expect(await t.cache.findActiveKey('hash-a')).toMatchObject({ keyId: 'key_a' });

    expect(t.state.lookups).toBe(lookups);
    expect(t.redis.reads).toBe(reads);
  });

  it('a revocation heard on the channel evicts the key at once, before the counter is read again', async () => {
    const t = setup();
    await t.warm();
    const reads = t.redis.reads;
    t.active.delete('hash-a'); // revoked by another process, which announced it
    for (const listener of t.listeners) listener.revoked('key_a');

    expect(await t.cache.findActiveKey('hash-a')).toBeNull();
    expect(t.redis.reads).toBe(reads);
  });

  it('a revocation whose message was lost is refused once the counter is read, at most a second later', async () => {
    const t = setup();
    await t.warm();
    t.active.delete('hash-a');
    t.revokedUnheard();

    // Within the second, the last read of the counter still vouches for the entry...
    expect(await t.cache.findActiveKey('hash-a')).not.toBeNull();
    // ...and not one millisecond past it.
    t.advance(REVOCATION_CHECK_MS);
    expect(await t.cache.findActiveKey('hash-a')).toBeNull();
  });

  it('believes nothing cached while the counter cannot be read, and asks Redis at most once a second', async () => {
    const t = setup();
    await t.warm();
    t.advance(REVOCATION_CHECK_MS);
    t.redis.reachable = false;
    t.active.delete('hash-a');
    const reads = t.redis.reads;

    expect(await t.cache.findActiveKey('hash-a')).toBeNull();
    t.active.set('hash-a', principal('key_a'));
    const lookups = t.state.lookups;
    for (let i = 0; i < 5; i += 1) await t.cache.findActiveKey('hash-a');

    expect(t.state.lookups - lookups).toBe(5); // every one went to Postgres
    expect(t.redis.reads - reads).toBe(1);
  });

  it('a dropped subscription forgets every entry (a message may have been missed meanwhile)', async () => {
    const t = setup();
    await t.warm();
    t.active.delete('hash-a');
    t.revokedUnheard();
    for (const listener of t.listeners) listener.missed();

    expect(await t.cache.findActiveKey('hash-a')).toBeNull();
  });

  it('a lookup in flight when a revocation is heard does not cache what it read before it', async () => {
    const t = setup();
    await t.warm(); // the counter vouches for what is cached from now on, for a second
    t.active.set('hash-b', principal('key_b'));
    let open = () => {};
    t.state.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const inFlight = t.cache.findActiveKey('hash-b'); // reads the row while it is still active
    t.active.delete('hash-b');
    for (const listener of t.listeners) listener.revoked('key_b');
    open();
    expect(await inFlight).not.toBeNull(); // that request began before the revocation
    t.state.gate = null;

    expect(await t.cache.findActiveKey('hash-b')).toBeNull();
  });

  it('announces what this process revokes, after evicting it here', async () => {
    const t = setup();
    await t.warm();

    expect(await t.cache.revokeKey('key_a', new Date(), () => [])).toBe('app_1');

    expect(t.redis.announced).toEqual(['key_a']);
    expect(await t.cache.findActiveKey('hash-a')).toBeNull();
  });

  it('without Redis, keeps an entry for its TTL (one process: it evicts what it revokes itself)', async () => {
    let now = 0;
    const memory = memoryStore();
    const cache = cachePrincipals(memory.store, { ttlMs: TTL_MS, maxEntries: 10, now: () => now });
    await cache.findActiveKey('hash-a');
    memory.active.delete('hash-a');

    now = TTL_MS - 1;
    expect(await cache.findActiveKey('hash-a')).not.toBeNull();
    now = TTL_MS;
    expect(await cache.findActiveKey('hash-a')).toBeNull();
  });
});
