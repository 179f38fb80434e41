/** The shape of a lead and the rules that derive its visible state. No I/O here. */

export const LEAD_STATUSES = ['pending_verification', 'verified', 'unverified'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const LEAD_STAGES = ['cold', 'warm', 'qualified', 'disqualified'] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

export const BANT_FIELDS = ['budget', 'authority', 'need', 'timeline'] as const;
export type Bant = Record<(typeof BANT_FIELDS)[number], string | null>;

/** One qualification as appended; the lead keeps its latest beside the history. */
export interface Qualification {
  stage: LeadStage;
  bant: Bant;
  score: number | null;
  note: string | null;
  at: Date;
}

/**
 * Why a lead is unverified: its code expired, every attempt was wrong, or its verification was
 * canceled (DELETE /v1/verify/{id}, or a newer verification for the number superseded it).
 */
export type UnverifiedReason = 'expired' | 'max_attempts_reached' | 'canceled';

/** The marketing consent a form asked for, kept until the lead's code confirms it. */
export interface ConsentRequest {
  text: string;
  version: string;
  /** The form says the person opts in again after a STOP (README, Consent). */
  reOptIn: boolean;
}

export interface LeadRecord {
  id: string;
  appId: string;
  status: LeadStatus;
  phoneHmac: string;
  phoneMasked: string;
  /** AES-GCM copy of the E.164 number bound to the lead id (kernel/crypto/phone-protector.ts). */
  phoneSealed: string;
  country: string;
  source: string | null;
  form: string | null;
  leadRef: string | null;
  attributes: Record<string, unknown>;
  clientIp: string | null;
  userAgent: string | null;
  consentRequest: ConsentRequest | null;
  verificationId: string | null;
  verificationExpiresAt: Date | null;
  linkedLeadId: string | null;
  sends: number;
  attempts: number;
  firstSentAt: Date | null;
  verifiedAt: Date | null;
  unverifiedAt: Date | null;
  unverifiedReason: string | null;
  qualification: Qualification | null;
  createdAt: Date;
  /** The last time the person was in touch (a send, a check): where a retention period starts. */
  lastContactAt: Date;
}

/**
 * A pending lead whose verification expired is unverified from that moment, without a write: no
 * event marks an expiry, and the verification itself is purged an hour later.
 */
export function visibleLeadStatus(
  lead: Pick<LeadRecord, 'status' | 'verificationExpiresAt' | 'unverifiedReason'>,
  now: number,
): { status: LeadStatus; reason: string | null } {
  if (
    lead.status === 'pending_verification' &&
    lead.verificationExpiresAt !== null &&
    now >= lead.verificationExpiresAt.getTime()
  ) {
    return { status: 'unverified', reason: 'expired' };
  }
  return {
    status: lead.status,
    reason: lead.status === 'unverified' ? lead.unverifiedReason : null,
  };
}

/** Seconds from the first code sent to the verification: how long the person took. */
export function secondsToVerify(
  lead: Pick<LeadRecord, 'firstSentAt' | 'verifiedAt'>,
): number | null {
  if (!lead.firstSentAt || !lead.verifiedAt) return null;
  return Math.max(0, Math.round((lead.verifiedAt.getTime() - lead.firstSentAt.getTime()) / 1000));
}
