import type { VerificationIdentity } from '../record.ts';

/**
 * Identities of the verifications this process created or read, while their code lives: what a
 * check needs before it reaches the store (number HMAC, code length, purpose) never changes, so a
 * check on this process saves a round trip. Bounded: the oldest entry goes first.
 */
export interface IdentityCache {
  remember(identity: VerificationIdentity): void;
  /** The identity if known and its code not yet expired at `now`. */
  lookup(appId: string, id: string, now: number): VerificationIdentity | null;
}

export function createIdentityCache(capacity = 50_000): IdentityCache {
  const entries = new Map<string, VerificationIdentity>();
  const keyOf = (appId: string, id: string) => `${appId}\n${id}`;
  return {
    remember(identity) {
      const key = keyOf(identity.appId, identity.id);
      entries.delete(key);
      entries.set(key, identity);
      if (entries.size > capacity) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    lookup(appId, id, now) {
      const key = keyOf(appId, id);
      const identity = entries.get(key);
      if (!identity) return null;
      if (identity.expiresAt <= now) {
        entries.delete(key);
        return null;
      }
      return identity;
    },
  };
}
