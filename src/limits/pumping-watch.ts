/**
 * The SMS pumping watch: who a send goes to (an HMAC of its number range), screening a send before
 * it leaves, taking a refused send back out, counting approvals (and learning each scope's
 * baseline from them), and auditing the trips. The arithmetic it applies (ranges, windows,
 * conversion, thresholds) is in pumping-policy.ts.
 */
import { type Actor, type AuditFields, auditEvent } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import {
  baselineHours,
  conversionCollapsed,
  numberPrefix,
  PAUSE_MEMORY_SECONDS,
  type PumpingSettings,
  settledSends,
  UNSETTLED_BUCKETS,
  velocitySuspect,
  velocityThreshold,
} from './pumping-policy.ts';
import type { TrafficCounters } from './traffic-counters/traffic-counters.ts';
import type { LimitVerbDeps } from './verb-deps.ts';

/** Who a send goes to, as the pumping watch sees it: no clear digits ever reach the counters. */
export interface PumpingSubject {
  appId: string;
  /** ISO 3166 alpha-2 destination country. */
  country: string;
  /** HMAC of numberPrefix(e164), computed by the caller. */
  prefixHmac: string;
}

/** The pumping watch's view of a number: its app, its country and an HMAC of its prefix. */
export function pumpingSubject(
  deps: Pick<LimitVerbDeps, 'phones'>,
  appId: string,
  country: string,
  e164: string,
): PumpingSubject {
  // Domain-separated from full-number HMACs, so a prefix never matches a number's HMAC; under
  // the app's key, so two apps' counters of one range do not share a name.
  const prefixHmac = deps.phones.hmac(appId, `prefix:${numberPrefix(e164)}`);
  return { appId, country, prefixHmac };
}

export type PumpingTrip = {
  scope: 'prefix' | 'country';
  reason: 'velocity' | 'conversion' | 'paused';
  dryRun: boolean;
  /** Sends in the window (this one included when it was counted), and approvals. */
  sent: number;
  approved: number;
  /** A velocity trip's threshold: the scope's floor or its learnt baseline, whichever is higher. */
  threshold?: number;
};

export type PumpingVerdict = (
  | { blocked: false }
  | { blocked: true; limit: 'pumping_prefix' | 'pumping_country'; retryAfterMs: number }
) & {
  trips: PumpingTrip[];
  /** The instant whose bucket counted this send (for takeBackSend), or null when not counted. */
  countedAt: number | null;
};

/** What the watch itself needs: its counters and the time. */
export interface PumpingDeps {
  counters: TrafficCounters;
  clock: Clock;
}

type Scope = PumpingTrip['scope'];

interface ScopeKeys {
  scope: Scope;
  pause: string;
  sent: string;
  /** Also the name of the approvals' hourly history, which the learnt threshold is read from. */
  approved: string;
  floor: number;
}

function scopeKeys(scope: Scope, name: string, floor: number): ScopeKeys {
  return { scope, pause: name, sent: `${name}:sent`, approved: `${name}:approved`, floor };
}

// Per app, so one app's pause or traffic never touches another's.
function scopes(settings: PumpingSettings, s: PumpingSubject): [ScopeKeys, ScopeKeys] {
  return [
    scopeKeys('prefix', `${s.appId}:prefix:${s.prefixHmac}`, settings.prefixSendsPerWindow),
    scopeKeys('country', `${s.appId}:country:${s.country}`, settings.countrySendsPerWindow),
  ];
}

const at = (values: number[], i: number) => values[i] ?? 0;

/** A trip that blocks, with how long the caller should wait. */
interface Block {
  scope: Scope;
  retryAfterMs: number;
}

function verdict(trips: PumpingTrip[], blocks: Block[], countedAt: number | null): PumpingVerdict {
  if (blocks.length === 0) return { blocked: false, trips, countedAt };
  const scope = blocks.some((b) => b.scope === 'prefix') ? 'prefix' : 'country';
  return {
    blocked: true,
    limit: scope === 'prefix' ? 'pumping_prefix' : 'pumping_country',
    // The send stays refused until every blocking scope frees, so the longest wait is the honest one.
    retryAfterMs: Math.max(...blocks.map((b) => b.retryAfterMs)),
    trips,
    countedAt,
  };
}

/**
 * Screens one SMS send against pumping fraud, before it leaves: (a) a paused prefix or country
 * refuses at once, without counting the send; (b) the send is counted; (c) each scope's sends old
 * enough to judge (settledSends) are checked: converting below minConversion over minSamples, or
 * below velocityConversion past the scope's threshold (its floor, or its learnt baseline), trips
 * and pauses the scope for pauseSeconds (doubled for a scope tripping again, see
 * PAUSE_MEMORY_SECONDS). Volume alone never trips: real traffic converts. With
 * dryRun every trip is still reported, but nothing is blocked or paused. The caller audits the
 * trips.
 */
export async function screenSend(
  deps: PumpingDeps,
  settings: PumpingSettings,
  subject: PumpingSubject,
): Promise<PumpingVerdict> {
  const { dryRun, windowSeconds } = settings;
  const both = scopes(settings, subject);
  const trips: PumpingTrip[] = [];
  const blocks: Block[] = [];

  // One atomic step: a paused scope's refused sends are not counted (the figures reported are as
  // they stood); in a dry run the send is counted all the same.
  const now = deps.clock.now();
  const screen = await deps.counters.screen({
    pauses: both.map((k) => k.pause),
    sent: both.map((k) => k.sent),
    approved: both.map((k) => k.approved),
    windowSeconds,
    now,
    countWhenPaused: dryRun,
    recentBuckets: UNSETTLED_BUCKETS,
  });
  const { paused, counted } = screen;
  both.forEach((k, i) => {
    const left = screen.pausedMs[i];
    if (left === null || left === undefined || !paused) return;
    trips.push({
      scope: k.scope,
      reason: 'paused',
      dryRun,
      sent: at(paused.sent, i),
      approved: at(paused.approved, i),
    });
    if (!dryRun) blocks.push({ scope: k.scope, retryAfterMs: left });
  });
  if (!counted) return verdict(trips, blocks, null);

  const judged = both.map((k, i) => {
    const counts = { sent: at(counted.sent, i), approved: at(counted.approved, i) };
    const settled = settledSends({ sent: counts.sent, recent: at(counted.recent, i) });
    const suspect = velocitySuspect({ settled, approved: counts.approved }, k.floor, settings);
    return { k, counts, settled, suspect };
  });
  // Only a scope past its floor that does not convert needs its baseline: most sends read none.
  const suspects = judged.filter((j) => j.suspect);
  const peaks =
    suspects.length === 0
      ? []
      : await deps.counters.peaks(
          suspects.map((j) => j.k.approved),
          baselineHours(now),
        );

  for (const { k, counts, settled, suspect } of judged) {
    const tripped: PumpingTrip[] = [];
    if (suspect) {
      const peak = peaks[suspects.findIndex((j) => j.k === k)] ?? 0;
      const threshold = velocityThreshold(k.floor, peak, settings);
      if (settled > threshold)
        tripped.push({ scope: k.scope, reason: 'velocity', dryRun, ...counts, threshold });
    }
    if (conversionCollapsed({ sent: settled, approved: counts.approved }, settings))
      tripped.push({ scope: k.scope, reason: 'conversion', dryRun, ...counts });
    trips.push(...tripped);
    if (tripped.length > 0 && !dryRun) {
      const retryAfterMs = await deps.counters.pauseTripped(k.pause, {
        seconds: settings.pauseSeconds,
        maxSeconds: settings.maxPauseSeconds,
        memorySeconds: PAUSE_MEMORY_SECONDS,
      });
      blocks.push({ scope: k.scope, retryAfterMs });
    }
  }
  return verdict(trips, blocks, now);
}

/** Takes a screened send back out of the velocity counts: it did not go (a limit refused it). */
export async function takeBackSend(
  deps: PumpingDeps,
  settings: PumpingSettings,
  subject: PumpingSubject,
  screened: PumpingVerdict,
): Promise<void> {
  if (screened.countedAt === null) return;
  await deps.counters.uncount(
    scopes(settings, subject).map((k) => k.sent),
    settings.windowSeconds,
    screened.countedAt,
  );
}

/**
 * Counts an approved verification for the conversion watch of its prefix and country, and in
 * their hourly histories, which their learnt thresholds are read from.
 */
export async function recordApproval(
  deps: PumpingDeps,
  settings: PumpingSettings,
  subject: PumpingSubject,
): Promise<void> {
  const names = scopes(settings, subject).map((k) => k.approved);
  await deps.counters.countAndTally(names, settings.windowSeconds, deps.clock.now());
}

// As the verification use cases call the watch: with their own dependencies, of which it takes
// its counters (`traffic`) and clock, and the audit trail and metrics its trips are recorded in.

const watchDeps = (deps: LimitVerbDeps): PumpingDeps => ({
  counters: deps.traffic,
  clock: deps.clock,
});

/** Screens a send against the SMS pumping watch; the send is counted unless a pause refuses it. */
export function screenForPumping(
  deps: LimitVerbDeps,
  settings: PumpingSettings,
  subject: PumpingSubject,
): Promise<PumpingVerdict> {
  return screenSend(watchDeps(deps), settings, subject);
}

/** Takes a screened send back out of the counts: a limit refused it, so it never left. */
export function takeBackScreenedSend(
  deps: LimitVerbDeps,
  settings: PumpingSettings,
  subject: PumpingSubject,
  verdict: PumpingVerdict,
): Promise<void> {
  return takeBackSend(watchDeps(deps), settings, subject, verdict);
}

/** Counts an approved verification for the conversion watch (see recordApproval). */
export function countApproval(
  deps: LimitVerbDeps,
  settings: PumpingSettings,
  subject: PumpingSubject,
): Promise<void> {
  return recordApproval(watchDeps(deps), settings, subject);
}

/**
 * Records every trip of a verdict (audit row and metric), including dry-run ones. Returns the
 * refusal to give, if any.
 */
export async function recordPumpingVerdict(
  deps: LimitVerbDeps,
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
              ...(trip.threshold === undefined ? {} : { threshold: trip.threshold }),
            },
          },
          now,
        ),
      ),
    );
  }
  return verdict.blocked ? { limit: verdict.limit, retryAfterMs: verdict.retryAfterMs } : null;
}
