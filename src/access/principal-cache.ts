import type { AccessStore, Principal } from './access-store.ts';
import type { Revocations } from './revocations.ts';

/**
 * How long a read of the revocation counter is believed: a revocation whose message this process
 * missed is refused at most this long after it was announced (README, Threat model).
 */
export const REVOCATION_CHECK_MS = 1_000;

export interface PrincipalCacheOptions {
  /** How long a key lookup is believed when no revocation is heard of (no Redis: the bound). */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
  /** With Redis: revocations announced by every process, heard here and announced from here. */
  revocations?: Revocations;
}

export interface PrincipalCache extends AccessStore {
  /** Resolves once revocations are heard (subscribed), with how to stop hearing them. */
  listen(): Promise<() => Promise<void>>;
}

/**
 * Caches successful API key lookups for a few seconds. Every request authenticates, and without
 * this each one costs a Postgres round trip; it also lets a request already authenticated finish
 * its work (and fail closed with a 503) when Postgres drops mid-flight. Misses are not cached, so a
 * new key works at once; a key revoked through this process is evicted at once, and with
 * `revocations` one revoked through any process too (by message, or within REVOCATION_CHECK_MS by
 * the counter). While the counter cannot be read (Redis down), nothing cached is believed.
 */
export function cachePrincipals(
  store: AccessStore,
  options: PrincipalCacheOptions,
): PrincipalCache {
  const now = options.now ?? Date.now;
  const { revocations } = options;
  const entries = new Map<string, { principal: Principal; expiresAt: number }>();
  // Bumped by every eviction: a lookup that was in flight across one must not cache what it read
  // (it may have read the row just before the revocation committed).
  let generation = 0;
  let knownVersion: string | null | undefined;
  // Until then the counter, read unchanged, vouches for every entry.
  let believedUntil = Number.NEGATIVE_INFINITY;
  // Until then the counter could not be read: nothing cached is believed, and it is not asked again.
  let doubtedUntil = Number.NEGATIVE_INFINITY;
  let checking: Promise<boolean> | null = null;

  function evict(keep: (principal: Principal) => boolean): void {
    for (const [hash, entry] of entries) if (!keep(entry.principal)) entries.delete(hash);
    generation += 1;
  }

  /** Whether cached lookups may be believed now: the counter was read, unchanged, within the second. */
  function cacheBelievable(): Promise<boolean> | boolean {
    if (!revocations) return true;
    const at = now();
    if (at < believedUntil) return true;
    if (at < doubtedUntil) return false;
    checking ??= (async () => {
      try {
        const version = await revocations.version();
        if (version !== knownVersion) evict(() => false);
        knownVersion = version;
        believedUntil = at + REVOCATION_CHECK_MS;
        return true;
      } catch {
        // Redis is out of reach, so may be a revocation: ask Postgres until the counter is back.
        evict(() => false);
        knownVersion = undefined;
        doubtedUntil = at + REVOCATION_CHECK_MS;
        return false;
      } finally {
        checking = null;
      }
    })();
    return checking;
  }

  return {
    ...bindAll(store),
    async findActiveKey(keyHash) {
      const hit = entries.get(keyHash);
      if (hit && hit.expiresAt > now() && (await cacheBelievable())) {
        // The check may have evicted it.
        if (entries.get(keyHash) === hit) return hit.principal;
      }
      entries.delete(keyHash);
      const before = generation;
      const principal = await store.findActiveKey(keyHash);
      if (principal && generation === before) {
        if (entries.size >= options.maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        entries.set(keyHash, { principal, expiresAt: now() + options.ttlMs });
      }
      return principal;
    },
    async revokeKey(keyId, at, audit) {
      const appId = await store.revokeKey(keyId, at, audit);
      evict((principal) => principal.keyId !== keyId);
      if (appId !== null && revocations) await revocations.announce(keyId);
      return appId;
    },
    async updateApp(appId, changes, audit) {
      await store.updateApp(appId, changes, audit);
      evict((principal) => principal.app.id !== appId);
    },
    async listen() {
      if (!revocations) return async () => {};
      return revocations.listen({
        revoked: (keyId) => evict((principal) => principal.keyId !== keyId),
        // A message may go unheard while the subscriber is away: what was cached before is forgotten.
        missed: () => evict(() => false),
      });
    },
  };
}

/** The store's methods bound to it, so spreading keeps them working. */
function bindAll(store: AccessStore): AccessStore {
  return {
    hasher: store.hasher,
    findActiveKey: (...a) => store.findActiveKey(...a),
    upgradeLegacyKey: (...a) => store.upgradeLegacyKey(...a),
    findApp: (...a) => store.findApp(...a),
    ensureApp: (...a) => store.ensureApp(...a),
    updateApp: (...a) => store.updateApp(...a),
    insertKey: (...a) => store.insertKey(...a),
    listKeys: (...a) => store.listKeys(...a),
    revokeKey: (...a) => store.revokeKey(...a),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
