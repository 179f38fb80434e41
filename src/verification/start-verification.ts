import { type Actor, auditEvent } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { RefusedError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { maskPhone, normalizePhone } from '../kernel/phone.ts';
import { createUndo } from '../kernel/undo.ts';
import {
  pumpingSubject,
  recordPumpingVerdict,
  refuseForLimit,
  refuseIfLocked,
  screenForPumping,
  spendSendLimits,
  takeBackScreenedSend,
} from '../limits/index.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { boundCode, generateCode } from './code.ts';
import { applyCodePolicy } from './code-policy.ts';
import type { VerificationDeps } from './deps.ts';
import { notifySuperseded } from './read-verification.ts';
import {
  identityOf,
  type Locale,
  type Purpose,
  VERIFICATION_POLICY,
  type VerificationRecord,
} from './record.ts';
import { sendCode } from './send-code.ts';

export interface StartVerificationInput {
  actor: Actor;
  to: string;
  country?: string | undefined;
  purpose: Purpose;
  locale: Locale;
  /** Unset: the defaults within the app's code policy (see applyCodePolicy). */
  codeLength?: number | undefined;
  ttlSeconds?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Binds the code (see VerificationRecord.binding); a signature's. */
  binding?: string | undefined;
  /** Named in the SMS beside the code (a document's title). */
  subject?: string | undefined;
}

const PHONE_REFUSALS = {
  unparseable: 'is not a phone number',
  invalid: 'is not a valid phone number',
  not_mobile: 'cannot receive SMS (only mobile numbers are accepted)',
} as const;

/**
 * Sends a new code. Order matters (OWASP ASVS 2.7, 11.1): the app's code policy is applied, the
 * number validated, and the destination, the number's lock and the limits checked before any argon2
 * work or SMS; the
 * verification is stored and its creation committed to the audit trail (the two side by side)
 * before the SMS leaves (Redis or Postgres down: nothing is sent); the pending verification for
 * the same app, number and purpose is cancelled atomically, and that cancellation audited
 * (`verification.canceled`, `superseded`). Whatever fails after the limits were
 * spent gives them back, until the SMS has left: from then on the user holds a code, so the
 * verification and its limits stay.
 */
export async function startVerification(
  deps: VerificationDeps,
  input: StartVerificationInput,
): Promise<VerificationRecord> {
  const { actor } = input;
  const settings = parseAppSettings(actor.app.settings);
  const { codeLength, ttlSeconds } = applyCodePolicy(settings.codePolicy, input);
  const phone = normalizePhone(input.to, input.country);
  if (!phone.ok) {
    throw new RefusedError('invalid_phone_number', `The number ${PHONE_REFUSALS[phone.reason]}.`);
  }
  const fields = {
    phone: {
      masked: maskPhone(phone.e164),
      hmac: await deps.subjects.hmac(actor.app.id, phone.e164),
    },
    purpose: input.purpose,
    detail: { country: phone.country },
  };
  if (!destinationAllowed(phone.country, settings.allowedCountries, deps.operatorCountries)) {
    await deps.audit.commit([
      auditEvent(
        actor,
        'verification.refused',
        { ...fields, outcome: 'refused', reason: 'destination_blocked' },
        deps.clock.now(),
      ),
    ]);
    throw new RefusedError(
      'destination_blocked',
      'SMS to this destination are not enabled for this app.',
    );
  }
  const subject = { appId: actor.app.id, phoneHmac: fields.phone.hmac, ip: actor.client.ip };
  await refuseIfLocked(deps, actor, settings.limits, subject, fields);
  const watched = pumpingSubject(deps, actor.app.id, phone.country, phone.e164);
  const undo = createUndo();
  try {
    // The limits and the pumping watch's count in one round trip. A send the limits refuse (or
    // fail) is taken back out of the watch's counts; one they let through stays counted whatever
    // happens next. One the watch refuses gives its limits back.
    const [limits, screened] = await Promise.allSettled([
      spendSendLimits(deps, settings.limits, subject, countLost(deps.metrics, 'limit_refund')),
      screenForPumping(deps, settings.pumping, watched),
    ]);
    const passed = limits.status === 'fulfilled' && limits.value.ok;
    if (screened.status === 'fulfilled' && !passed) {
      undo.push(() =>
        takeBackScreenedSend(deps, settings.pumping, watched, screened.value).catch(
          countLost(deps.metrics, 'pumping_takeback'),
        ),
      );
    }
    if (limits.status === 'rejected') throw limits.reason;
    const spent = limits.value;
    if (!spent.ok)
      return await refuseForLimit(deps, actor, fields, spent.limit, spent.retryAfterMs);
    undo.push(spent.refund);

    if (screened.status === 'rejected') throw screened.reason;
    const pumping = await recordPumpingVerdict(deps, actor, screened.value, watched, fields);
    // Refused like a limit (429 naming it); the spent limits go back.
    if (pumping) await refuseForLimit(deps, actor, fields, pumping.limit, pumping.retryAfterMs);

    const id = newId('ver');
    const code = generateCode(codeLength);
    const now = deps.clock.now();
    const ttlMs = ttlSeconds * 1000;
    const record: VerificationRecord = {
      id,
      appId: actor.app.id,
      purpose: input.purpose,
      channel: 'sms',
      locale: input.locale,
      country: phone.country,
      phoneHmac: fields.phone.hmac,
      phoneMasked: fields.phone.masked,
      phoneSealed: deps.phones.seal(phone.e164, id),
      codeLength,
      ttlMs,
      status: 'pending',
      codeVersion: 1,
      attempts: 0,
      maxAttempts: VERIFICATION_POLICY.maxAttempts,
      sendCount: 1,
      maxSends: settings.limits.verificationSends,
      createdAt: now,
      expiresAt: now + ttlMs,
      lastSentAt: now,
      approvedAt: null,
      deliveryStatus: 'queued',
      deliveryRoute: null,
      binding: input.binding ?? null,
      subject: input.subject ?? null,
    };
    // The code is hashed and stored (argon2, then Redis) while the creation's row is committed
    // (Postgres): the SMS leaves once both are done, after the slower of the two, not both in turn.
    // The pending verification the store will cancel is read first (one quick round trip, beside
    // argon2), so that its cancellation is in the same commit as the creation: never silent, even
    // if the process dies right after.
    const predicted = deps.codes.pendingFor(record.appId, record.purpose, record.phoneHmac);
    const [stored, committed] = await Promise.allSettled([
      Promise.all([deps.hasher.hash(boundCode(code, record.binding)), predicted]).then(
        ([codeHash]) => deps.codes.create(record, codeHash),
      ),
      predicted.then((superseded) =>
        deps.audit.commit([
          auditEvent(
            actor,
            'verification.created',
            {
              verification: record,
              outcome: 'ok',
              detail: {
                country: phone.country,
                ttl_seconds: ttlSeconds,
                code_length: codeLength,
                metadata: input.metadata ?? null,
              },
            },
            now,
          ),
          ...(superseded ? [supersededEvent(actor, record, superseded, now)] : []),
        ]),
      ),
    ]);
    // Nothing reached the phone, or nothing was recorded: the verification must not linger.
    undo.push(() =>
      deps.codes
        .cancel(actor.app.id, id, deps.clock.now())
        .catch(countLost(deps.metrics, 'verification_cancel')),
    );
    if (committed.status === 'rejected') {
      // The store cancelled the pending one already: that cancellation keeps its row.
      const superseded = stored.status === 'fulfilled' ? stored.value.superseded : null;
      if (superseded) {
        await deps.audit.commitOrSpool([
          supersededEvent(actor, record, superseded, deps.clock.now()),
        ]);
      }
      throw committed.reason;
    }
    if (stored.status === 'rejected') {
      // The commit says the pending one was superseded (the commit waited for that read): make it
      // so, whether or not the store ran the create before failing; a code that dies early is the
      // safe side.
      const superseded = await predicted;
      if (superseded) {
        await deps.codes
          .cancel(actor.app.id, superseded, deps.clock.now())
          .catch(countLost(deps.metrics, 'verification_cancel'));
      }
      // The trail says it was created, so it also says that it ended here, and why.
      await deps.audit.commitOrSpool([
        auditEvent(
          actor,
          'verification.canceled',
          {
            verification: record,
            outcome: 'failed',
            reason: 'store_unavailable',
          },
          deps.clock.now(),
        ),
      ]);
      throw stored.reason;
    }
    // Another send for this number got in between the read and the create: the one the store
    // actually cancelled gets its own row.
    const actual = stored.value.superseded;
    if (actual && actual !== (await predicted)) {
      await deps.audit.commitOrSpool([supersededEvent(actor, record, actual, deps.clock.now())]);
    }
    if (actual) await notifySuperseded(deps, actor.app.id, actual, now);
    deps.metrics.verificationStarted(input.purpose);
    return await sendCode(deps, actor, record, phone.e164, code, undo);
  } catch (error) {
    await undo.run();
    throw error;
  }
}

/** The row of a pending verification that the new one `by` cancelled (same app, number, purpose). */
function supersededEvent(actor: Actor, by: VerificationRecord, supersededId: string, now: number) {
  return auditEvent(
    actor,
    'verification.canceled',
    {
      verification: { ...identityOf(by), id: supersededId },
      outcome: 'ok',
      reason: 'superseded',
      detail: { superseded_by: by.id },
    },
    now,
  );
}

function destinationAllowed(
  country: string,
  appCountries: readonly string[] | null,
  operatorCountries: ReadonlySet<string> | null,
): boolean {
  if (operatorCountries && !operatorCountries.has(country)) return false;
  return appCountries === null || appCountries.includes(country);
}
