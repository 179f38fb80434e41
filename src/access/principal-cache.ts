import type { AccessStore, Principal } from './access-store.ts';

export interface PrincipalCacheOptions {
  /** How long a key lookup is believed; also the longest a revocation takes to bite elsewhere. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

/**
 * Caches successful API key lookups for a few seconds. Every request authenticates, and without
 * this each one costs a Postgres round trip; it also lets a request already authenticated finish
 * its work (and fail closed with a 503) when Postgres drops mid-flight. Misses are not cached, so a
 * new key works at once; a key revoked through this process is evicted at once.
 */
export function cachePrincipals(store: AccessStore, options: PrincipalCacheOptions): AccessStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { principal: Principal; expiresAt: number }>();
  return {
    ...bindAll(store),
    async findActiveKey(keyHash) {
      const hit = entries.get(keyHash);
      if (hit && hit.expiresAt > now()) return hit.principal;
      entries.delete(keyHash);
      const principal = await store.findActiveKey(keyHash);
      if (principal) {
        if (entries.size >= options.maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        entries.set(keyHash, { principal, expiresAt: now() + options.ttlMs });
      }
      return principal;
    },
    async revokeKey(keyId, at, audit) {
      const result = await store.revokeKey(keyId, at, audit);
      for (const [hash, entry] of entries)
        if (entry.principal.keyId === keyId) entries.delete(hash);
      return result;
    },
    async updateApp(appId, changes, audit) {
      await store.updateApp(appId, changes, audit);
      for (const [hash, entry] of entries)
        if (entry.principal.app.id === appId) entries.delete(hash);
    },
  };
}

/** The store's methods bound to it, so spreading keeps them working. */
function bindAll(store: AccessStore): AccessStore {
  return {
    hasher: store.hasher,
    findActiveKey: (...a) => store.findActiveKey(...a),
    upgradeLegacyKey: (...a) => store.upgradeLegacyKey(...a),
    ensureApp: (...a) => store.ensureApp(...a),
    updateApp: (...a) => store.updateApp(...a),
    insertKey: (...a) => store.insertKey(...a),
    listKeys: (...a) => store.listKeys(...a),
    revokeKey: (...a) => store.revokeKey(...a),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
