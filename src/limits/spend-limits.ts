import type { Limiter } from './limiter.ts';
import type { LimitCharge, LimitName } from './policy.ts';

export type SpendResult =
  | { ok: true; refund: () => Promise<void> }
  | { ok: false; limit: LimitName; retryAfterMs: number };

/**
 * Spends every charge, or none: when one limit refuses, every unit taken (the refused one too)
 * is given back, so a refused request spends nothing it did not earn. A store failure propagates
 * after the same give-back. A give-back the store fails is reported to `lost` (the limit stays
 * stricter than it should, never looser); `refund` itself never rejects.
 */
export async function spendLimits(
  limiter: Limiter,
  charges: LimitCharge[],
  lost: () => void,
): Promise<SpendResult> {
  const outcomes = await Promise.allSettled(charges.map((c) => limiter.consume(c.rule, c.key)));
  const refundAll = async () => {
    const refunds = await Promise.allSettled(
      charges.map((c, i) =>
        outcomes[i]?.status === 'fulfilled' ? limiter.refund(c.rule, c.key) : undefined,
      ),
    );
    if (refunds.some((r) => r.status === 'rejected')) lost();
  };
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) {
    await refundAll();
    throw failure.reason;
  }
  const refusal = charges
    .map((charge, i) => ({
      charge,
      outcome: (outcomes[i] as PromiseFulfilledResult<{ allowed: boolean; retryAfterMs?: number }>)
        .value,
    }))
    .filter(({ outcome }) => !outcome.allowed)
    // The limit that frees last is the one worth naming: retrying earlier would fail again.
    .sort((a, b) => (b.outcome.retryAfterMs ?? 0) - (a.outcome.retryAfterMs ?? 0))[0];
  if (refusal) {
    await refundAll();
    return {
      ok: false,
      limit: refusal.charge.rule.name,
      retryAfterMs: refusal.outcome.retryAfterMs ?? 1000,
    };
  }
  return { ok: true, refund: refundAll };
}
