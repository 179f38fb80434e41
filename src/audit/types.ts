/** Audit event types: one per decision (api.md, Audit). */
export const AUDIT_EVENT_TYPES = [
  'verification.created',
  'verification.refused',
  'verification.resent',
  'verification.canceled',
  'sms.sent',
  'sms.failed',
  'sms.delivered',
  'sms.undelivered',
  'sms.inbound',
  'check.approved',
  'check.wrong',
  'check.refused',
  'limit.hit',
  'pumping.trip',
  'phone.locked',
  'phone.unlocked',
  'key.created',
  'key.revoked',
  'app.updated',
  'totp.enrolled',
  'totp.confirmed',
  'totp.verified',
  'totp.failed',
  'totp.deleted',
  'totp.listed',
  // The security console (README, Console): who signed in, who was refused, who left.
  'console.signed_in',
  'console.signin_failed',
  'console.signed_out',
  // Who took the trail out (API or console), with which filters and how many rows.
  'audit.exported',
  'lead.created',
  'lead.verified',
  'lead.unverified',
  'lead.qualified',
  'lead.exported',
  'consent.granted',
  'consent.withdrawn',
  'consent.blocked',
  // Signatures (README, Signatures): each step of one signer signing one document.
  'signature.requested',
  'signature.signed',
  'signature.canceled',
  'signature.failed',
  'signature.document_mismatch',
  'signature.evidence_built',
  // README, Subjects and erasure / Retention: no number in either, only what was removed.
  'subject.erased',
  'retention.applied',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** One decision. Never a code, a code hash or a clear phone number. */
export interface AuditEvent {
  /**
   * The row's id, when the event already has one (a retried or spooled event keeps the one it was
   * first sent with, so that the trail writes it once); the writer gives one otherwise.
   */
  id?: string;
  appId: string;
  type: AuditEventType;
  verificationId: string | null;
  purpose: string | null;
  phoneMasked: string | null;
  phoneHmac: string | null;
  clientIp: string | null;
  userAgent: string | null;
  /** e.g. `ok`, `refused`, `failed`, `dry_run`. */
  outcome: string;
  /** A stable snake_case reason (the limit name, the refusal code...), or null. */
  reason: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** Appends to the tamper-evident audit trail; resolves only once the rows are committed. */
export interface AuditWriter {
  append(events: AuditEvent[]): Promise<void>;
}

/**
 * How use cases record decisions. `commit` resolves only once the rows are in Postgres (the caller
 * answers 503 and undoes its change when it rejects). `commitOrSpool` is for facts that cannot be
 * undone, like an SMS that already left: it resolves once the rows are committed or, if Postgres
 * refused them, spooled and retried until it takes them; it never rejects. Both are awaited, so a
 * row is written before the response goes out whenever Postgres is up (api.md, Audit).
 */
export interface AuditTrail {
  commit(events: AuditEvent[]): Promise<void>;
  commitOrSpool(events: AuditEvent[]): Promise<void>;
}

/** Reads of the audit trail the service itself needs. */
export interface AuditQueries {
  /**
   * Apps that sent an SMS to a number: the ones an inbound reply concerns. Each app's rows carry
   * the number's HMAC under its subject key in that app (or, written before subject keys, the
   * app's key or the legacy one), so `hmacsOf(appId)` gives every HMAC the number may carry in
   * that app's rows.
   */
  appsThatMessaged(hmacsOf: (appId: string) => Promise<readonly string[]>): Promise<string[]>;
}
