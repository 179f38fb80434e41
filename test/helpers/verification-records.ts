import { DEFAULT_APP_SETTINGS } from '../../src/kernel/app-settings.ts';
import { newId } from '../../src/kernel/ids.ts';
import { VERIFICATION_POLICY, type VerificationRecord } from '../../src/verification/record.ts';

/** A pending verification as start-verification would build it; the phone fields are opaque here. */
export function makeRecord(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  const createdAt = overrides.createdAt ?? Date.now();
  const ttlMs = overrides.ttlMs ?? 600_000;
  return {
    id: newId('ver'),
    appId: 'app_test',
    purpose: 'login',
    channel: 'sms',
    locale: 'en',
    country: 'FR',
    phoneHmac: 'a'.repeat(64),
    phoneMasked: '+33 6•• •• •• 78',
    phoneSealed: 'sealed',
    codeLength: 6,
    ttlMs,
    status: 'pending',
    codeVersion: 1,
    attempts: 0,
    maxAttempts: VERIFICATION_POLICY.maxAttempts,
    sendCount: 1,
    maxSends: DEFAULT_APP_SETTINGS.limits.verificationSends,
    createdAt,
    expiresAt: createdAt + ttlMs,
    lastSentAt: createdAt,
    approvedAt: null,
    deliveryStatus: 'queued',
    deliveryRoute: null,
    binding: null,
    subject: null,
    ...overrides,
  };
}
