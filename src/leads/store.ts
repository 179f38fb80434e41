import type { LeadRecord, LeadStatus, Qualification, UnverifiedReason } from './lead.ts';

/** What a verification says of its lead: its sends and attempts, and the current expiry. */
export interface LeadSignals {
  sends: number;
  attempts: number;
  verificationExpiresAt: Date;
  lastContactAt: Date;
}

export interface LeadFilters {
  status?: LeadStatus | undefined;
  source?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** Where a page starts: after this lead in the list's order (newest first). */
export interface LeadPosition {
  createdAt: Date;
  id: string;
}

/**
 * Leads and their qualification history (Postgres). Each method is one statement or one
 * transaction; a state change applies only to a lead still in the state it leaves.
 */
export interface LeadStore {
  insert(lead: LeadRecord): Promise<void>;
  get(appId: string, id: string): Promise<LeadRecord | null>;
  byVerification(appId: string, verificationId: string): Promise<LeadRecord | null>;
  /** The newest lead of this number verified at or after `since`, or null. */
  recentlyVerified(appId: string, phoneHmac: string, since: Date): Promise<LeadRecord | null>;
  /** A pending lead becomes verified; null when it was not pending. */
  markVerified(id: string, at: Date, signals: LeadSignals): Promise<LeadRecord | null>;
  /** Undoes markVerified when what follows it could not be recorded. */
  revertVerified(id: string): Promise<void>;
  /** A pending lead becomes unverified; null when it was not pending. */
  markUnverified(
    id: string,
    at: Date,
    reason: UnverifiedReason,
    signals: LeadSignals,
  ): Promise<LeadRecord | null>;
  /** A pending lead's sends, attempts and expiry as its verification now has them. */
  updateSignals(id: string, signals: LeadSignals): Promise<void>;
  /** Appends a qualification and makes it the lead's current one; null when there is no lead. */
  qualify(appId: string, id: string, qualification: Qualification): Promise<LeadRecord | null>;
  /** A lead's qualifications, oldest first. */
  qualifications(leadId: string): Promise<Qualification[]>;
  /** An erasure: deletes this app's leads under any of these HMACs (and their qualifications). */
  forget(appId: string, hmacs: readonly string[]): Promise<number>;
  /** Retention: deletes this app's leads last in touch before `before`; how many. */
  expire(appId: string, before: Date): Promise<number>;
  /** Up to `limit` leads after `after`, newest first; `now` decides which pending ones expired. */
  page(
    appId: string,
    filters: LeadFilters,
    after: LeadPosition | null,
    limit: number,
    now: Date,
  ): Promise<LeadRecord[]>;
}
