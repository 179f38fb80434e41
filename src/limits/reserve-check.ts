import type { Actor, AuditFields } from '../audit/index.ts';
import type { LimitSettings } from '../kernel/app-settings.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { refuseLocked } from './phone-lock.ts';
import type { PhoneLocks } from './phone-locks/phone-locks.ts';
import { failedCheckCharge, ipCheckCharge, phoneKey, type Subject } from './policy.ts';
import { refuseForLimit } from './refuse-limit.ts';
import { spendLimits } from './spend-limits.ts';
import type { LimitVerbDeps } from './verb-deps.ts';

export interface CheckReservation {
  /** Gives back everything reserved (the check was never evaluated, or its row failed); never rejects. */
  refund(): Promise<void>;
  /** Gives back the failed-check units only (nothing was evaluated; the check itself counted). */
  giveBackFailure(): Promise<void>;
  /** A success clears the subject's failed checks, the hourly ones and the lasting ones. */
  clearFailures(): Promise<void>;
  /**
   * This check holds the number's last failure before its lock: if its code is wrong, the number
   * is locked from now on, and the caller records `phone.locked`. Always false without a lock.
   * (A failure given back below it while this one is in flight lets one more check hold the same
   * place: then both may record the lock, which the trail shows twice. The count never passes.)
   */
  locksIfWrong: boolean;
}

/**
 * Before any code is evaluated (SMS or TOTP): one unit of the client IP's check budget and one
 * of the subject's hourly failed-check budget and, for SMS checks (`locks`), one failure of the
 * number's lasting lock, all reserved together, so parallel guesses cannot overshoot any of them.
 * Refused: the refusal is audited and thrown (423 for a locked number, else 429), nothing kept.
 * TOTP passes no `locks`: each factor has a lock of its own (totp/verify-totp.ts).
 */
export async function reserveCheck(
  deps: Pick<LimitVerbDeps, 'limiter' | 'audit' | 'clock' | 'metrics'>,
  actor: Actor,
  limits: LimitSettings,
  subject: Subject,
  fields: Omit<AuditFields, 'outcome' | 'reason'>,
  locks: PhoneLocks | null = null,
): Promise<CheckReservation> {
  const failures = failedCheckCharge(limits, subject);
  const lockKey = phoneKey(subject);
  const lost = countLost(deps.metrics, 'limit_refund');
  const [spending, locking] = await Promise.allSettled([
    spendLimits(deps.limiter, [ipCheckCharge(limits, subject), failures], lost),
    locks ? locks.reserve(lockKey, limits.phoneLockFailures) : Promise.resolve(undefined),
  ]);
  // The lock's failure this check holds (undefined: no lock; null: the number is locked).
  const held = locking.status === 'fulfilled' ? locking.value : undefined;
  const releaseLock = async () => {
    if (locks && typeof held === 'number') await locks.release(lockKey).catch(lost);
  };
  // spendLimits gives everything back itself when it refuses or fails; only a success is owed.
  const spent = spending.status === 'fulfilled' && spending.value.ok ? spending.value : null;
  if (!spent || locking.status === 'rejected' || held === null) {
    await Promise.all([spent?.refund(), releaseLock()]);
    if (spending.status === 'rejected') throw spending.reason;
    if (locking.status === 'rejected') throw locking.reason;
    // The lock outlasts any hourly limit, so it is the refusal worth naming.
    if (held === null) return refuseLocked(deps, actor, fields);
    const refused = spending.value;
    if (!refused.ok)
      return refuseForLimit(deps, actor, fields, refused.limit, refused.retryAfterMs);
  }
  return {
    refund: async () => {
      await Promise.all([spent?.refund(), releaseLock()]);
    },
    giveBackFailure: async () => {
      await Promise.all([deps.limiter.refund(failures.rule, failures.key), releaseLock()]);
    },
    clearFailures: async () => {
      await Promise.all([deps.limiter.reset(failures.rule, failures.key), locks?.clear(lockKey)]);
    },
    locksIfWrong: held === limits.phoneLockFailures,
  };
}
