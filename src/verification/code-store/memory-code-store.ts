import { identityOf, type VerificationRecord } from '../record.ts';
import type { CodeStore } from './code-store.ts';

interface Entry {
  record: VerificationRecord;
  codeHash: string | null;
  /** Tokens of checks: the code version their attempt was counted for, or withdrawn. */
  checks: Map<string, number | 'withdrawn'>;
  /** Wall-clock purge times, like Redis TTLs. */
  codeExpiresAt: number;
  purgeAt: number;
}

export interface MemoryCodeStoreOptions {
  retentionMs: number;
  /** The wall clock that purges entries (Redis uses real time for TTLs too). */
  wallClock?: () => number;
}

/**
 * The embedded default's code store: one process, so each method runs to completion without an
 * await in the middle, which makes it as atomic as the Redis scripts. Held to the same contract tests.
 */
export function createMemoryCodeStore({
  retentionMs,
  wallClock = Date.now,
}: MemoryCodeStoreOptions): CodeStore {
  const entries = new Map<string, Entry>();
  const pending = new Map<string, { id: string; purgeAt: number }>();
  const keyOf = (appId: string, id: string) => `${appId}:${id}`;
  const pendingKeyOf = (r: Pick<VerificationRecord, 'appId' | 'purpose' | 'phoneHmac'>) =>
    `${r.appId}:${r.purpose}:${r.phoneHmac}`;
  const copy = (record: VerificationRecord): VerificationRecord => ({ ...record });

  function sweep(): void {
    const now = wallClock();
    for (const [key, entry] of entries) if (entry.purgeAt <= now) entries.delete(key);
    for (const [key, item] of pending) if (item.purgeAt <= now) pending.delete(key);
  }
  // Bounded memory without a request to trigger it; unref'd so it never keeps the process alive.
  const sweeper = setInterval(sweep, 30_000);
  sweeper.unref();

  function live(appId: string, id: string): Entry | null {
    const entry = entries.get(keyOf(appId, id));
    if (!entry) return null;
    const now = wallClock();
    if (entry.purgeAt <= now) {
      entries.delete(keyOf(appId, id));
      return null;
    }
    if (entry.codeHash !== null && entry.codeExpiresAt <= now) entry.codeHash = null;
    return entry;
  }

  const isOpen = (r: VerificationRecord, now: number) =>
    r.status === 'pending' && r.expiresAt > now && r.attempts < r.maxAttempts;

  /** The pending verification a create for this key would cancel (the Redis PENDING script's test). */
  function pendingEntry(appId: string, indexKey: string, exceptId: string | null): Entry | null {
    const previous = pending.get(indexKey);
    if (!previous || previous.purgeAt <= wallClock() || previous.id === exceptId) return null;
    const entry = live(appId, previous.id);
    return entry?.record.status === 'pending' ? entry : null;
  }

  return {
    async create(record, codeHash) {
      const wall = wallClock();
      const codeTtlMs = record.expiresAt - record.createdAt;
      const indexKey = pendingKeyOf(record);
      const old = pendingEntry(record.appId, indexKey, record.id);
      if (old) {
        old.record.status = 'canceled';
        old.codeHash = null;
      }
      entries.set(keyOf(record.appId, record.id), {
        record: copy(record),
        codeHash,
        checks: new Map(),
        codeExpiresAt: wall + codeTtlMs,
        purgeAt: wall + codeTtlMs + retentionMs,
      });
      pending.set(indexKey, { id: record.id, purgeAt: wall + codeTtlMs });
      return { superseded: old?.record.id ?? null };
    },

    async pendingFor(appId, purpose, phoneHmac) {
      return (
        pendingEntry(appId, pendingKeyOf({ appId, purpose, phoneHmac }), null)?.record.id ?? null
      );
    },

    async get(appId, id) {
      const entry = live(appId, id);
      return entry ? copy(entry.record) : null;
    },

    async identify(appId, id) {
      // Already in process memory: nothing to cache.
      const entry = live(appId, id);
      return entry ? identityOf(entry.record) : null;
    },

    async beginCheck(appId, id, now, checkToken) {
      const entry = live(appId, id);
      if (!entry) return { kind: 'not_found' };
      const withdrawn = checkToken !== undefined && entry.checks.has(checkToken);
      if (withdrawn || !isOpen(entry.record, now) || entry.codeHash === null) {
        return { kind: 'closed', record: copy(entry.record) };
      }
      entry.record.attempts += 1;
      if (checkToken !== undefined) entry.checks.set(checkToken, entry.record.codeVersion);
      return { kind: 'evaluate', record: copy(entry.record), codeHash: entry.codeHash };
    },

    async approve(appId, id, codeVersion, now) {
      const entry = live(appId, id);
      if (!entry) return { approved: false, record: null };
      const r = entry.record;
      if (
        r.status !== 'pending' ||
        r.codeVersion !== codeVersion ||
        r.expiresAt <= now ||
        entry.codeHash === null
      ) {
        return { approved: false, record: copy(r) };
      }
      r.status = 'approved';
      r.approvedAt = now;
      entry.codeHash = null;
      return { approved: true, record: copy(r) };
    },

    async replaceCode(appId, id, codeHash, now, cooldownMs) {
      const entry = live(appId, id);
      if (!entry) return { kind: 'not_found' };
      const r = entry.record;
      if (!isOpen(r, now)) return { kind: 'closed', record: copy(r) };
      if (r.sendCount >= r.maxSends) return { kind: 'max_sends', record: copy(r) };
      const readyAt = r.lastSentAt + cooldownMs;
      if (now < readyAt) return { kind: 'cooldown', record: copy(r), retryAfterMs: readyAt - now };
      r.codeVersion += 1;
      r.sendCount += 1;
      r.lastSentAt = now;
      r.expiresAt = now + r.ttlMs;
      r.deliveryStatus = 'queued';
      r.deliveryRoute = null;
      const wall = wallClock();
      entry.codeHash = codeHash;
      entry.codeExpiresAt = wall + r.ttlMs;
      entry.purgeAt = wall + r.ttlMs + retentionMs;
      const index = pending.get(pendingKeyOf(r));
      if (index?.id === r.id) index.purgeAt = wall + r.ttlMs;
      return { kind: 'replaced', record: copy(r) };
    },

    async cancel(appId, id, now) {
      const entry = live(appId, id);
      if (!entry) return null;
      if (entry.record.status === 'pending' && entry.record.expiresAt > now) {
        entry.record.status = 'canceled';
        entry.codeHash = null;
      }
      return copy(entry.record);
    },

    async revertApproval(appId, id, codeVersion, codeHash, now) {
      const entry = live(appId, id);
      const r = entry?.record;
      if (!entry || !r || r.status !== 'approved' || r.codeVersion !== codeVersion) return false;
      if (r.approvedAt !== now || r.expiresAt <= now) return false;
      r.status = 'pending';
      r.approvedAt = null;
      r.attempts = Math.max(0, r.attempts - 1);
      entry.codeHash = codeHash;
      entry.codeExpiresAt = wallClock() + (r.expiresAt - now);
      return true;
    },

    async refundAttempt(appId, id, codeVersion) {
      const r = live(appId, id)?.record;
      if (r && r.codeVersion === codeVersion && r.attempts > 0) r.attempts -= 1;
    },

    async withdrawCheck(appId, id, checkToken) {
      const entry = live(appId, id);
      if (!entry) return false;
      const counted = entry.checks.get(checkToken);
      entry.checks.set(checkToken, 'withdrawn');
      const r = entry.record;
      if (counted === undefined || counted === 'withdrawn' || counted !== r.codeVersion)
        return false;
      if (r.attempts <= 0) return false;
      r.attempts -= 1;
      return true;
    },

    async setDelivery(appId, id, status, route) {
      const entry = live(appId, id);
      if (!entry) return;
      entry.record.deliveryStatus = status;
      entry.record.deliveryRoute = route;
    },

    async ping() {},

    async close() {
      clearInterval(sweeper);
      entries.clear();
      pending.clear();
    },
  };
}
