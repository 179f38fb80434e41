import { generateCode } from '../domain/code.ts';
import { newId } from '../domain/ids.ts';
import { maskPhone, normalizePhone } from '../domain/phone.ts';
import {
  type Locale,
  type Purpose,
  VERIFICATION_POLICY,
  type VerificationRecord,
} from '../domain/verification.ts';
import { RefusedError } from './errors.ts';
import type { AppRecord } from './ports.ts';
import { sendCode } from './send-code.ts';
import type { VerificationDeps } from './verification-deps.ts';

export interface StartVerificationInput {
  app: AppRecord;
  to: string;
  country?: string | undefined;
  purpose: Purpose;
  locale: Locale;
  codeLength: number;
  ttlSeconds: number;
}

const PHONE_REFUSALS = {
  unparseable: 'is not a phone number',
  invalid: 'is not a valid phone number',
  not_mobile: 'cannot receive SMS (only mobile numbers are accepted)',
} as const;

/**
 * Sends a new code. Order matters: the number is validated first (a refusal changes nothing), the
 * verification is stored before any SMS leaves (if Redis is down, nothing is sent), and the pending
 * verification for the same app, number and purpose is cancelled in the same atomic step.
 */
export async function startVerification(
  deps: VerificationDeps,
  input: StartVerificationInput,
): Promise<VerificationRecord> {
  const phone = normalizePhone(input.to, input.country);
  if (!phone.ok) {
    throw new RefusedError('invalid_phone_number', `The number ${PHONE_REFUSALS[phone.reason]}.`);
  }
  const id = newId('ver');
  const code = generateCode(input.codeLength);
  const codeHash = await deps.hasher.hash(code);
  const now = deps.clock.now();
  const ttlMs = input.ttlSeconds * 1000;
  const record: VerificationRecord = {
    id,
    appId: input.app.id,
    purpose: input.purpose,
    channel: 'sms',
    locale: input.locale,
    country: phone.country,
    phoneHmac: deps.phones.hmac(phone.e164),
    phoneMasked: maskPhone(phone.e164),
    phoneSealed: deps.phones.seal(phone.e164, id),
    codeLength: input.codeLength,
    ttlMs,
    status: 'pending',
    codeVersion: 1,
    attempts: 0,
    maxAttempts: VERIFICATION_POLICY.maxAttempts,
    sendCount: 1,
    maxSends: VERIFICATION_POLICY.maxSends,
    createdAt: now,
    expiresAt: now + ttlMs,
    lastSentAt: now,
    approvedAt: null,
    deliveryStatus: 'queued',
    deliveryRoute: null,
  };
  await deps.codes.create(record, codeHash);
  deps.metrics.verificationStarted(input.purpose);
  try {
    return await sendCode(deps, input.app, record, phone.e164, code);
  } catch (error) {
    // No code reached the phone: the verification must not linger as pending.
    await deps.codes.cancel(input.app.id, id, deps.clock.now());
    throw error;
  }
}
