import { type Actor, type AuditFields, auditEvent } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { LimitName } from './policy.ts';
import type { LimitVerbDeps } from './verb-deps.ts';

/** Records the limit that was hit, then refuses with 429 naming it (api.md, Limits). */
export async function refuseForLimit(
  deps: Pick<LimitVerbDeps, 'audit' | 'clock' | 'metrics'>,
  actor: Actor,
  fields: Omit<AuditFields, 'outcome' | 'reason'>,
  limit: LimitName,
  retryAfterMs: number,
): Promise<never> {
  deps.metrics.limitHit(limit);
  await deps.audit.commit([
    auditEvent(
      actor,
      'limit.hit',
      { ...fields, outcome: 'refused', reason: limit },
      deps.clock.now(),
    ),
  ]);
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (limit === 'app_daily_budget') {
    throw new RefusedError('budget_exceeded', "The app's daily SMS budget is spent.", {
      limit,
      retryAfterSeconds,
    });
  }
  throw new RefusedError('rate_limited', `Too many requests (${limit}); retry later.`, {
    limit,
    retryAfterSeconds,
  });
}
