import type { ConsentRecord, NewConsentRecord } from './record.ts';

/**
 * Consent proof (append-only) and the opposition list (Postgres). A grant and a withdrawal each
 * write their proof row and the opposition list in one transaction.
 */
export interface ConsentStore {
  /**
   * Appends the grant and takes the number off the opposition list; for a number on the list and
   * no explicit re-opt-in, appends a `blocked` row instead and leaves it on. Returns the row.
   * `hmacs` are every HMAC the number may carry (an opposition written before subject keys counts).
   */
  grant(
    record: NewConsentRecord,
    reOptIn: boolean,
    hmacs: readonly string[],
  ): Promise<ConsentRecord>;
  /** Appends the withdrawal and puts the number on the opposition list. */
  withdraw(record: NewConsentRecord): Promise<ConsentRecord>;
  /** Every row of this number (under any of its HMACs) in this app, oldest first. */
  history(appId: string, hmacs: readonly string[]): Promise<ConsentRecord[]>;
  /** Since when the number is on this app's opposition list, or null. */
  opposedSince(appId: string, hmacs: readonly string[]): Promise<Date | null>;
  /** An erasure: deletes every record and opposition of these HMACs in this app; how many. */
  forget(
    appId: string,
    hmacs: readonly string[],
  ): Promise<{ records: number; oppositions: number }>;
  /**
   * Retention: deletes the records of every number whose consent was withdrawn before `before`
   * and never granted again since (README, Retention); how many. The opposition list stays.
   */
  expireWithdrawn(appId: string, before: Date): Promise<number>;
}
