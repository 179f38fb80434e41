import type { Actor } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { RefusedError } from '../kernel/errors.ts';
import { createUndo } from '../kernel/undo.ts';
import { reserveCheck } from '../limits/index.ts';
import { countLost } from '../telemetry/lost-write.ts';
import type { TotpDeps } from './deps.ts';
import {
  isTotpCodeShape,
  MAX_CONSECUTIVE_FAILURES,
  matchingSteps,
  normalizeRecoveryCode,
} from './factor.ts';
import { factorNotFound, openSecret, totpEvent, userHmac } from './factors.ts';
import type { TotpFactorRecord } from './store.ts';

export type TotpMethod = 'totp' | 'recovery_code';

export interface TotpVerdict {
  valid: boolean;
  factorId: string | null;
  method: TotpMethod;
}

/** What was accepted, and how to undo it if its audit row cannot be committed. */
interface Acceptance {
  factor: TotpFactorRecord;
  undo: () => Promise<void>;
  step: number | null;
}

/**
 * Verifies a user's TOTP code or recovery code (RFC 6238, NIST SP 800-63B 5.1.4 / 5.2.2). As for
 * SMS checks, the client IP's check budget and one unit of the user's failed-check budget are
 * reserved before anything is evaluated, and one consecutive failure is reserved on each factor
 * (at most 100, then the factor is locked). Acceptance is decided by one conditional UPDATE in
 * Postgres, so a code (a time step) or a recovery code is accepted at most once, even in parallel.
 */
export async function verifyTotp(
  deps: TotpDeps,
  input: { actor: Actor; userRef: string; code: string },
): Promise<TotpVerdict> {
  const { actor, userRef } = input;
  const appId = actor.app.id;
  const verified = (await deps.store.listForUser(appId, userRef)).filter(
    (f) => f.status === 'verified',
  );
  if (verified.length === 0) throw factorNotFound();

  const recoveryCode = normalizeRecoveryCode(input.code);
  const method: TotpMethod = recoveryCode ? 'recovery_code' : 'totp';
  if (!recoveryCode && !verified.some((f) => isTotpCodeShape(input.code, f.digits))) {
    throw new RefusedError(
      'invalid_code_format',
      'The code is neither a TOTP code nor a recovery code; no attempt was spent.',
    );
  }

  const { limits } = parseAppSettings(actor.app.settings);
  const subject = { appId, phoneHmac: userHmac(deps, appId, userRef), ip: actor.client.ip };
  const reservation = await reserveCheck(deps, actor, limits, subject, {
    detail: { user_hmac: subject.phoneHmac },
  });
  const undo = createUndo();
  undo.push(reservation.refund);
  try {
    const now = deps.clock.now();
    const user = { id: null, userRef };
    const reserved = await deps.store.reserveFailure(appId, userRef, MAX_CONSECUTIVE_FAILURES);
    if (reserved.length === 0) {
      // Nothing is evaluated: the refusal below gives the reservation back.
      await deps.audit.commit([
        totpEvent(deps, actor, 'totp.failed', user, 'refused', 'locked', now),
      ]);
      throw new RefusedError(
        'factor_locked',
        'Too many consecutive failed attempts: this user needs a stronger recovery (delete the factor and enrol a new one).',
      );
    }
    undo.push(() =>
      deps.store.releaseFailure(reserved).catch(countLost(deps.metrics, 'totp_failure_release')),
    );
    const candidates = verified.filter((f) => reserved.includes(f.id));

    const outcome = recoveryCode
      ? await acceptRecoveryCode(deps, candidates, recoveryCode, now)
      : await acceptTotpCode(deps, candidates, input.code, now);
    const { accepted } = outcome;
    if (accepted) {
      const { factor } = accepted;
      // No acceptance without its audit row: the step or recovery code is live again.
      undo.push(() => accepted.undo().catch(countLost(deps.metrics, 'totp_step_undo')));
      await deps.audit.commit([
        totpEvent(deps, actor, 'totp.verified', factor, 'ok', null, now, {
          method,
          ...(accepted.step === null ? {} : { step: accepted.step }),
        }),
      ]);
      undo.commit();
      await deps.store.clearFailures(factor.id);
      await deps.store.releaseFailure(reserved.filter((id) => id !== factor.id));
      await reservation.clearFailures();
      return { valid: true, factorId: factor.id, method };
    }

    const reason = outcome.replayed ? 'replayed' : 'wrong_code';
    await deps.audit.commit([
      totpEvent(deps, actor, 'totp.failed', user, 'refused', reason, now, { method }),
    ]);
    return { valid: false, factorId: null, method };
  } catch (error) {
    await undo.run();
    throw error;
  }
}

async function acceptTotpCode(
  deps: TotpDeps,
  factors: TotpFactorRecord[],
  code: string,
  now: number,
): Promise<{ accepted: Acceptance | null; replayed: boolean }> {
  let replayed = false;
  for (const factor of factors) {
    if (!isTotpCodeShape(code, factor.digits)) continue;
    const params = { algorithm: factor.algorithm, digits: factor.digits, period: factor.period };
    for (const step of matchingSteps(openSecret(deps, factor), params, code, now)) {
      if (await deps.store.acceptStep(factor.id, step)) {
        return {
          accepted: {
            factor,
            step,
            undo: () => deps.store.revertStep(factor.id, step, factor.lastUsedStep),
          },
          replayed: false,
        };
      }
      // The right code for a step already used (or overtaken): RFC 6238 §5.2 replay.
      replayed = true;
    }
  }
  return { accepted: null, replayed };
}

async function acceptRecoveryCode(
  deps: TotpDeps,
  factors: TotpFactorRecord[],
  code: string,
  now: number,
): Promise<{ accepted: Acceptance | null; replayed: boolean }> {
  for (const factor of factors) {
    for (const stored of await deps.store.unusedRecoveryCodes(factor.id)) {
      if (!(await deps.hasher.verify(stored.codeHash, code))) continue;
      // Used up by this UPDATE only if no parallel request did it first.
      if (await deps.store.useRecoveryCode(stored.id, new Date(now))) {
        return {
          accepted: { factor, step: null, undo: () => deps.store.revertRecoveryCode(stored.id) },
          replayed: false,
        };
      }
      return { accepted: null, replayed: true };
    }
  }
  return { accepted: null, replayed: false };
}
