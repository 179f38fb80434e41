/** The shape of a verification and the rules that derive its visible state. No I/O here. */

export const PURPOSES = [
  'login',
  'signup',
  'password_reset',
  'transaction',
  'lead',
  'signature',
  'other',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export type StoredStatus = 'pending' | 'approved' | 'canceled';
export type VerificationStatus = StoredStatus | 'expired' | 'max_attempts_reached';
/** `failed`: the route refused it, or the carrier reported it undeliverable. */
export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'delivered';

/**
 * 5 checks per verification, which resends never refill (api.md). The send cap and the resend
 * cooldown are per-app settings (kernel/app-settings.ts).
 */
export const VERIFICATION_POLICY = {
  maxAttempts: 5,
  /** How long a finished or expired verification stays readable before Redis purges it. */
  retentionMs: 60 * 60_000,
} as const;

export interface VerificationRecord {
  id: string;
  appId: string;
  purpose: Purpose;
  channel: 'sms';
  locale: Locale;
  country: string;
  phoneHmac: string;
  phoneMasked: string;
  /** AES-GCM copy of the E.164 number, bound to the id; only resends decrypt it. */
  phoneSealed: string;
  codeLength: number;
  ttlMs: number;
  status: StoredStatus;
  codeVersion: number;
  attempts: number;
  maxAttempts: number;
  sendCount: number;
  maxSends: number;
  createdAt: number;
  expiresAt: number;
  lastSentAt: number;
  approvedAt: number | null;
  deliveryStatus: DeliveryStatus;
  deliveryRoute: string | null;
  /**
   * What the code is bound to (a signature: its id, signer and document hash, hashed), or null.
   * Mixed into the code's argon2 input (code.ts boundCode), so only a check that presents the same
   * binding can ever match, whatever the code.
   */
  binding: string | null;
  /** What the SMS names beside the code (a document's title), or null; kept for resends. */
  subject: string | null;
}

/** What never changes about a verification once created: enough to key its limits and audit rows. */
export type VerificationIdentity = Pick<
  VerificationRecord,
  'id' | 'appId' | 'purpose' | 'phoneHmac' | 'phoneMasked' | 'codeLength' | 'expiresAt'
>;

export function identityOf(record: VerificationRecord): VerificationIdentity {
  const { id, appId, purpose, phoneHmac, phoneMasked, codeLength, expiresAt } = record;
  return { id, appId, purpose, phoneHmac, phoneMasked, codeLength, expiresAt };
}

export function visibleStatus(record: VerificationRecord, now: number): VerificationStatus {
  if (record.status !== 'pending') return record.status;
  if (now >= record.expiresAt) return 'expired';
  if (record.attempts >= record.maxAttempts) return 'max_attempts_reached';
  return 'pending';
}

export function attemptsRemaining(record: VerificationRecord): number {
  return Math.max(0, record.maxAttempts - record.attempts);
}

export function resendAvailableAt(record: VerificationRecord, cooldownMs: number): number {
  return record.lastSentAt + cooldownMs;
}
