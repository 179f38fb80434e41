import { type Actor, type AuditFields, auditEvent } from '../audit/index.ts';
import type { LimitSettings } from '../kernel/app-settings.ts';
import { RefusedError } from '../kernel/errors.ts';
import { phoneKey, type Subject } from './policy.ts';
import type { LimitVerbDeps } from './verb-deps.ts';

/**
 * Records the refusal of a locked number (a `limit.hit` row, reason `phone_locked`, as the
 * hourly limits' refusals are), then refuses with 423. No Retry-After: only support unlocks it.
 */
export async function refuseLocked(
  deps: Pick<LimitVerbDeps, 'audit' | 'clock' | 'metrics'>,
  actor: Actor,
  fields: Omit<AuditFields, 'outcome' | 'reason'>,
): Promise<never> {
  deps.metrics.limitHit('phone_locked');
  await deps.audit.commit([
    auditEvent(
      actor,
      'limit.hit',
      { ...fields, outcome: 'refused', reason: 'phone_locked' },
      deps.clock.now(),
    ),
  ]);
  throw new RefusedError(
    'phone_locked',
    'This number had too many failed checks without a success; it is locked until support unlocks it.',
  );
}

/**
 * A send to a locked number is refused before it spends anything: its code could not be checked,
 * and the person holding the phone is spared the messages of whoever is guessing (README, Limits).
 */
export async function refuseIfLocked(
  deps: Pick<LimitVerbDeps, 'audit' | 'clock' | 'metrics' | 'phoneLocks'>,
  actor: Actor,
  limits: LimitSettings,
  subject: Subject,
  fields: Omit<AuditFields, 'outcome' | 'reason'>,
): Promise<void> {
  const counted = await deps.phoneLocks.read(phoneKey(subject));
  if (counted && counted.failures >= limits.phoneLockFailures) {
    await refuseLocked(deps, actor, fields);
  }
}
