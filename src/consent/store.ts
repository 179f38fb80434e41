import type { ConsentRecord, NewConsentRecord } from './record.ts';

/**
 * Consent proof (append-only) and the opposition list (Postgres). A grant and a withdrawal each
 * write their proof row and the opposition list in one transaction.
 */
export interface ConsentStore {
  /**
   * Appends the grant and takes the number off the opposition list; for a number on the list and
   * no explicit re-opt-in, appends a `blocked` row instead and leaves it on. Returns the row.
   */
  grant(record: NewConsentRecord, reOptIn: boolean): Promise<ConsentRecord>;
  /** Appends the withdrawal and puts the number on the opposition list. */
  withdraw(record: NewConsentRecord): Promise<ConsentRecord>;
  /** Every row of this number in this app, oldest first. */
  history(appId: string, phoneHmac: string): Promise<ConsentRecord[]>;
  /** Since when the number is on this app's opposition list, or null. */
  opposedSince(appId: string, phoneHmac: string): Promise<Date | null>;
}
