import type { AppSettings } from '../domain/app-settings.ts';
import { numberPrefix } from '../domain/pumping-policy.ts';
import { type Actor, type AuditFields, auditEvent } from './audit-events.ts';
import { type PumpingSubject, recordApproval, screenSend } from './pumping-guard.ts';
import type { VerificationDeps } from './verification-deps.ts';

/** The pumping watch's view of a number: its app, its country and an HMAC of its prefix. */
export function pumpingSubject(
  deps: Pick<VerificationDeps, 'phones'>,
  appId: string,
  country: string,
  e164: string,
): PumpingSubject {
  // Domain-separated from full-number HMACs, so a prefix never matches a number's HMAC.
  return { appId, country, prefixHmac: deps.phones.hmac(`prefix:${numberPrefix(e164)}`) };
}

/**
 * Screens a send against the SMS pumping watch and records every trip (audit row and metric),
 * including dry-run ones. Returns the refusal to give, if any.
 */
export async function screenForPumping(
  deps: VerificationDeps,
  actor: Actor,
  settings: AppSettings['pumping'],
  subject: PumpingSubject,
  fields: Omit<AuditFields, 'outcome' | 'reason' | 'detail'>,
): Promise<{ limit: 'pumping_prefix' | 'pumping_country'; retryAfterMs: number } | null> {
  const verdict = await screenSend(
    { counters: deps.traffic, clock: deps.clock },
    settings,
    subject,
  );
  if (verdict.trips.length > 0) {
    const now = deps.clock.now();
    for (const trip of verdict.trips)
      deps.metrics.pumpingTrip(trip.scope, trip.reason, trip.dryRun);
    await deps.audit.commit(
      verdict.trips.map((trip) =>
        auditEvent(
          actor,
          'pumping.trip',
          {
            ...fields,
            outcome: trip.dryRun ? 'dry_run' : 'refused',
            reason: `${trip.scope}_${trip.reason}`,
            detail: {
              scope: trip.scope,
              country: subject.country,
              sent: trip.sent,
              approved: trip.approved,
            },
          },
          now,
        ),
      ),
    );
  }
  return verdict.blocked ? { limit: verdict.limit, retryAfterMs: verdict.retryAfterMs } : null;
}

export function countApproval(
  deps: VerificationDeps,
  settings: AppSettings['pumping'],
  subject: PumpingSubject,
): Promise<void> {
  return recordApproval({ counters: deps.traffic, clock: deps.clock }, settings, subject);
}
