export type CooldownClaim = { claimed: true } | { claimed: false; retryAfterMs: number };

/**
 * The time between two sends to one number (api.md, Limits: "30 s between any two sends to it").
 * Keys are opaque strings built by the caller (app and phone HMAC), never clear numbers; each
 * lives for its cooldown (a TTL). Times are the injected clock's; the TTL only frees memory.
 */
export interface SendCooldowns {
  /**
   * Atomically claims `key` at `now`, unless a claim less than `cooldownMs` old holds it: then
   * the milliseconds until it frees. Of N concurrent claims on a free key, exactly one succeeds.
   */
  claim(key: string, cooldownMs: number, now: number): Promise<CooldownClaim>;
  /**
   * Gives back the claim made at `claimedAt` (its send did not go), if it is still the key's.
   * Nothing to restore: a claim is granted only once the one before it has run out.
   */
  release(key: string, claimedAt: number): Promise<void>;
}
