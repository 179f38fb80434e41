import { type Actor, type AuditFields, auditEvent } from '../audit/index.ts';
import type { AppSettings } from '../kernel/app-settings.ts';
import type { VerificationDeps } from '../verification/index.ts';
import { numberPrefix } from './pumping-policy.ts';
import {
  type PumpingDeps,
  type PumpingSubject,
  type PumpingVerdict,
  recordApproval,
  screenSend,
  takeBackSend,
} from './pumping-watch.ts';

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

/** What the pumping guard needs, out of the verification use cases' dependencies. */
const watchDeps = (deps: VerificationDeps): PumpingDeps => ({
  counters: deps.traffic,
  clock: deps.clock,
});

/** Screens a send against the SMS pumping watch; the send is counted unless a pause refuses it. */
export function screenForPumping(
  deps: VerificationDeps,
  settings: AppSettings['pumping'],
  subject: PumpingSubject,
): Promise<PumpingVerdict> {
  return screenSend(watchDeps(deps), settings, subject);
}

/** Takes a screened send back out of the counts: a limit refused it, so it never left. */
export function takeBackScreenedSend(
  deps: VerificationDeps,
  settings: AppSettings['pumping'],
  subject: PumpingSubject,
  verdict: PumpingVerdict,
): Promise<void> {
  return takeBackSend(watchDeps(deps), settings, subject, verdict);
}

/**
 * Records every trip of a verdict (audit row and metric), including dry-run ones. Returns the
 * refusal to give, if any.
 */
export async function recordPumpingVerdict(
  deps: VerificationDeps,
  actor: Actor,
  verdict: PumpingVerdict,
  subject: PumpingSubject,
  fields: Omit<AuditFields, 'outcome' | 'reason' | 'detail'>,
): Promise<{ limit: 'pumping_prefix' | 'pumping_country'; retryAfterMs: number } | null> {
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
  return recordApproval(watchDeps(deps), settings, subject);
}
