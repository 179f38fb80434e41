/**
 * The HMAC that rows about a phone number carry (audit rows, leads, consent proof, Redis limit and
 * lock keys). Implemented by subjects/ with a random key per person and app, so that deleting that
 * key (an erasure) leaves every such HMAC pointing at nobody (README, Subjects and erasure).
 */
export interface SubjectHmacs {
  /** The HMAC a new row about this number carries in this app (its subject key made on first use). */
  hmac(appId: string, e164: string): Promise<string>;
  /**
   * Every HMAC a stored row about this number may carry in this app, for lookups only: its
   * subject key's (when it has one), then those written before subject keys (PhoneProtector).
   */
  lookupHmacs(appId: string, e164: string): Promise<readonly string[]>;
}
