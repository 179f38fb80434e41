import { randomBytes } from 'node:crypto';
import { type Actor, auditEvent } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { notFound, RefusedError } from '../kernel/errors.ts';
import { createUndo } from '../kernel/undo.ts';
import { countApproval, pumpingSubject, reserveCheck } from '../limits/index.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { boundCode, isWellFormedCode } from './code.ts';
import type { VerificationDeps } from './deps.ts';
import {
  attemptsRemaining,
  type VerificationRecord,
  type VerificationStatus,
  visibleStatus,
} from './record.ts';

export interface CheckResult {
  id: string;
  valid: boolean;
  status: VerificationStatus;
  attemptsRemaining: number;
  /** False when the code was not compared: the verification had ended (or ended meanwhile). */
  evaluated: boolean;
  record: VerificationRecord;
}

/**
 * Checks a code (OWASP ASVS 2.7/2.8, NIST SP 800-63B 5.2.2). The client IP's check budget, one
 * unit of the number's hourly failed-check budget and one failure of its lasting lock are
 * reserved, and the attempt is counted atomically, before the comparison; argon2 compares in constant time; approval consumes the code atomically.
 * So N parallel right codes approve once, and N parallel guesses get at most the attempt budget.
 * Every verdict is committed to the audit trail before it is answered; if that fails the change is
 * undone (no approval without its row) and the caller gets a 503.
 */
export async function checkVerification(
  deps: VerificationDeps,
  input: {
    actor: Actor;
    id: string;
    code: string;
    /** What a bound code must be checked with (VerificationRecord.binding); none otherwise. */
    binding?: string | undefined;
  },
): Promise<CheckResult> {
  const { actor } = input;
  const appId = actor.app.id;
  const current = await deps.codes.identify(appId, input.id, deps.clock.now());
  if (!current) throw notFound();
  if (!isWellFormedCode(input.code, current.codeLength)) {
    throw new RefusedError(
      'invalid_code_format',
      `The code must be ${current.codeLength} digits; no attempt was spent.`,
    );
  }
  const settings = parseAppSettings(actor.app.settings);
  const { limits } = settings;
  const subject = { appId, phoneHmac: current.phoneHmac, ip: actor.client.ip };
  const now = deps.clock.now();
  const undo = createUndo();
  // This check's own mark in the code store, so that an attempt counted while nobody heard of it
  // is given back, and only that one.
  const checkToken = randomBytes(12).toString('base64url');
  try {
    // The limits' reservation and the attempt count leave in one round trip. Each is atomic, a
    // code is evaluated only with both, and whichever side refuses gives the other back: N
    // parallel guesses still never get past either budget.
    const [reserved, started] = await Promise.allSettled([
      reserveCheck(deps, actor, limits, subject, { verification: current }, deps.phoneLocks),
      deps.codes.beginCheck(appId, input.id, now, checkToken),
    ]);
    if (reserved.status === 'fulfilled') undo.push(reserved.value.refund);
    let keepAttempt = () => {};
    if (started.status === 'rejected') {
      // No answer (Redis stalled past the command timeout, or the connection dropped): the script
      // may still run once Redis resumes and spend an attempt. The withdrawal queues behind it on
      // the same connection and gives back what this check counted, if anything; it is not
      // awaited, as it cannot be answered before Redis resumes and the 503 need not wait for it.
      undo.push(async () => {
        void deps.codes
          .withdrawCheck(appId, input.id, checkToken)
          .catch(countLost(deps.metrics, 'attempt_refund'));
      });
    } else if (started.value.kind === 'evaluate') {
      // Nothing evaluated, or its verdict not recorded: the attempt goes back (a store failure
      // here only keeps it spent).
      const { codeVersion } = started.value.record;
      keepAttempt = undo.push(() =>
        deps.codes
          .refundAttempt(appId, input.id, codeVersion)
          .catch(countLost(deps.metrics, 'attempt_refund')),
      );
    }
    if (reserved.status === 'rejected') throw reserved.reason;
    const reservation = reserved.value;
    if (started.status === 'rejected') throw started.reason;
    const start = started.value;
    if (start.kind === 'not_found') throw notFound();
    const record = start.record;
    const audit = (
      type: 'check.approved' | 'check.refused',
      outcome: string,
      reason: string | null,
      r: VerificationRecord,
    ) => deps.audit.commit([auditEvent(actor, type, { verification: r, outcome, reason }, now)]);
    // A refused verdict keeps the check it spent (and the attempt, if one was counted); only the
    // failure unit goes back.
    const refuse = async (closed: VerificationRecord) => {
      undo.commit();
      await reservation.giveBackFailure();
      deps.metrics.codeChecked('closed');
      await audit('check.refused', 'refused', visibleStatus(closed, now), closed);
      return answer(closed, now, false, false);
    };

    if (start.kind === 'closed') return await refuse(record);

    if (await deps.hasher.verify(start.codeHash, boundCode(input.code, input.binding))) {
      const approval = await deps.codes.approve(appId, input.id, record.codeVersion, now);
      // Another request approved it first, or it was resent or cancelled meanwhile.
      if (!approval.approved || !approval.record) return await refuse(approval.record ?? record);
      // No approval without its row: reverting it makes the code live again and gives its
      // attempt back, in place of the attempt's own refund.
      keepAttempt();
      undo.push(() =>
        deps.codes.revertApproval(appId, input.id, record.codeVersion, start.codeHash, now),
      );
      await audit('check.approved', 'ok', null, approval.record);
      // What builds on the approval (a lead made verified) is recorded in the same step.
      await deps.observers.notify(approval.record, 'approved', now);
      undo.commit();
      const e164 = deps.phones.open(record.phoneSealed, record.id);
      // Not awaited: both only loosen (the number's failed checks cleared, an approval counted
      // for the pumping watch), so a lost one makes a limit stricter, never looser. They reach
      // the store before anything a later request sends (one connection, commands in order).
      void reservation.clearFailures().catch(countLost(deps.metrics, 'failures_clear'));
      void countApproval(
        deps,
        settings.pumping,
        pumpingSubject(deps, appId, record.country, e164),
      ).catch(countLost(deps.metrics, 'approval_count'));
      deps.metrics.codeChecked('approved');
      return answer(approval.record, now, true, true);
    }

    const wrong = auditEvent(
      actor,
      'check.wrong',
      {
        verification: record,
        outcome: 'refused',
        reason: 'wrong_code',
        // 0 means this attempt was the last: the verification.max_attempts event comes from it.
        detail: { attempts_remaining: attemptsRemaining(record) },
      },
      now,
    );
    // The failure that reaches the number's threshold locks it: recorded with the verdict, so a
    // lock is never without its row (nor a row without its lock: a failed commit gives it back).
    await deps.audit.commit(
      reservation.locksIfWrong
        ? [
            wrong,
            auditEvent(
              actor,
              'phone.locked',
              {
                verification: record,
                outcome: 'locked',
                reason: 'failed_checks',
                detail: { failed_checks: limits.phoneLockFailures },
              },
              now,
            ),
          ]
        : [wrong],
    );
    await deps.observers
      .notify(record, 'wrong', now)
      .catch(countLost(deps.metrics, 'verification_observer'));
    deps.metrics.codeChecked('wrong');
    return answer(record, now, false, true);
  } catch (error) {
    await undo.run();
    throw error;
  }
}

function answer(
  record: VerificationRecord,
  now: number,
  valid: boolean,
  evaluated: boolean,
): CheckResult {
  return {
    id: record.id,
    valid,
    status: visibleStatus(record, now),
    attemptsRemaining: attemptsRemaining(record),
    evaluated,
    record,
  };
}
