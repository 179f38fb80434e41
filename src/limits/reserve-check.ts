import type { Actor, AuditFields } from '../audit/index.ts';
import type { LimitSettings } from '../kernel/app-settings.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { failedCheckCharge, ipCheckCharge, type Subject } from './policy.ts';
import { refuseForLimit } from './refuse-limit.ts';
import { spendLimits } from './spend-limits.ts';
import type { LimitVerbDeps } from './verb-deps.ts';

export interface CheckReservation {
  /** Gives back everything reserved (the check was never evaluated, or its row failed); never rejects. */
  refund(): Promise<void>;
  /** Gives back the failed-check unit only (nothing was evaluated; the check itself counted). */
  giveBackFailure(): Promise<void>;
  /** A success clears the subject's failed checks. */
  clearFailures(): Promise<void>;
}

/**
 * Before any code is evaluated (SMS or TOTP): one unit of the client IP's check budget and one of
 * the subject's failed-check budget, reserved together, so parallel guesses cannot overshoot.
 * Refused: the limit hit is audited and a 429 thrown, nothing kept.
 */
export async function reserveCheck(
  deps: Pick<LimitVerbDeps, 'limiter' | 'audit' | 'clock' | 'metrics'>,
  actor: Actor,
  limits: LimitSettings,
  subject: Subject,
  fields: Omit<AuditFields, 'outcome' | 'reason'>,
): Promise<CheckReservation> {
  const failures = failedCheckCharge(limits, subject);
  const spent = await spendLimits(
    deps.limiter,
    [ipCheckCharge(limits, subject), failures],
    countLost(deps.metrics, 'limit_refund'),
  );
  if (!spent.ok) return refuseForLimit(deps, actor, fields, spent.limit, spent.retryAfterMs);
  return {
    refund: spent.refund,
    giveBackFailure: () => deps.limiter.refund(failures.rule, failures.key),
    clearFailures: () => deps.limiter.reset(failures.rule, failures.key),
  };
}
