import type { LimitSettings } from '../kernel/app-settings.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Limiter, LimitOutcome } from './limiter.ts';
import {
  type LimitCharge,
  type LimitName,
  type Subject,
  sendCharges,
  sendCooldownKey,
} from './policy.ts';
import type { SendCooldowns } from './send-cooldowns/send-cooldowns.ts';

export type SpendResult =
  | { ok: true; refund: () => Promise<void> }
  | { ok: false; limit: LimitName; retryAfterMs: number };

/** One unit of one limit: taken, and given back if the request is refused or fails later. */
interface Spend {
  limit: LimitName;
  take(): Promise<LimitOutcome>;
  /** Called only after `take` answered (allowed or not): gives back what it took, if anything. */
  giveBack(): Promise<void>;
}

/**
 * Spends every charge, or none: when one limit refuses, every unit taken (the refused one too)
 * is given back, so a refused request spends nothing it did not earn. A store failure propagates
 * after the same give-back. A give-back the store fails is reported to `lost` (the limit stays
 * stricter than it should, never looser); `refund` itself never rejects.
 */
export function spendLimits(
  limiter: Limiter,
  charges: LimitCharge[],
  lost: () => void,
): Promise<SpendResult> {
  return spendAll(
    charges.map((charge) => limiterSpend(limiter, charge)),
    lost,
  );
}

/**
 * What one SMS send spends, as spendLimits does: the counters of sendCharges, and the number's
 * cooldown (the same for a new verification and a resend, so no two sends to a number come
 * closer than resendCooldownSeconds, whichever path they take).
 */
export function spendSendLimits(
  deps: { limiter: Limiter; cooldowns: SendCooldowns; clock: Clock },
  limits: LimitSettings,
  subject: Subject,
  lost: () => void,
): Promise<SpendResult> {
  const spends = sendCharges(limits, subject).map((charge) => limiterSpend(deps.limiter, charge));
  // 0 turns the cooldown off (a claim that lasts no time would hold nothing).
  if (limits.resendCooldownSeconds > 0) {
    spends.push(
      cooldownSpend(
        deps.cooldowns,
        sendCooldownKey(subject),
        limits.resendCooldownSeconds * 1000,
        deps.clock.now(),
      ),
    );
  }
  return spendAll(spends, lost);
}

function limiterSpend(limiter: Limiter, { rule, key }: LimitCharge): Spend {
  return {
    limit: rule.name,
    take: () => limiter.consume(rule, key),
    // A counter counts a refused unit too: given back either way.
    giveBack: () => limiter.refund(rule, key),
  };
}

function cooldownSpend(cooldowns: SendCooldowns, key: string, ms: number, now: number): Spend {
  let claimed = false;
  return {
    limit: 'resend_cooldown',
    async take() {
      const claim = await cooldowns.claim(key, ms, now);
      claimed = claim.claimed;
      return claim.claimed
        ? { allowed: true }
        : { allowed: false, retryAfterMs: claim.retryAfterMs };
    },
    // A refused claim wrote nothing: there is nothing to give back, and the key is another's.
    giveBack: async () => {
      if (claimed) await cooldowns.release(key, now);
    },
  };
}

async function spendAll(spends: Spend[], lost: () => void): Promise<SpendResult> {
  const outcomes = await Promise.allSettled(spends.map((s) => s.take()));
  const refundAll = async () => {
    const refunds = await Promise.allSettled(
      spends.map((s, i) => (outcomes[i]?.status === 'fulfilled' ? s.giveBack() : undefined)),
    );
    if (refunds.some((r) => r.status === 'rejected')) lost();
  };
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) {
    await refundAll();
    throw failure.reason;
  }
  const refusal = spends
    .map((spend, i) => ({
      spend,
      outcome: (outcomes[i] as PromiseFulfilledResult<LimitOutcome>).value,
    }))
    .filter(({ outcome }) => !outcome.allowed)
    // The limit that frees last is the one worth naming: retrying earlier would fail again.
    .sort((a, b) => retryAfter(b.outcome) - retryAfter(a.outcome))[0];
  if (refusal) {
    await refundAll();
    return { ok: false, limit: refusal.spend.limit, retryAfterMs: retryAfter(refusal.outcome) };
  }
  return { ok: true, refund: refundAll };
}

const retryAfter = (outcome: LimitOutcome) => (outcome.allowed ? 0 : outcome.retryAfterMs);
