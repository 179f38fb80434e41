import type { AppSettings } from '../kernel/app-settings.ts';

export type PumpingSettings = AppSettings['pumping'];

// E.164 after normalisation: a country code never starts with 0, 15 digits at most. Six digits at
// least, so the prefix always keeps a country code and a digit of the range.
const E164 = /^\+[1-9]\d{5,14}$/;

/**
 * The number range a pumping attack walks through: the E.164 number minus its last 4 digits
 * (`+33612345678` → `+3361234`). Throws on anything but E.164, which would silently give a
 * meaningless range.
 */
export function numberPrefix(e164: string): string {
  if (!E164.test(e164)) throw new RangeError('numberPrefix expects an E.164 number');
  return e164.slice(0, -4);
}

/**
 * True when approvals collapsed: enough sends to judge (minSamples) and approved ÷ sent below
 * minConversion. Pumped codes are never entered, so their ratio falls towards zero. `sent` is
 * the sends old enough to judge (settledSends), not every send of the window.
 */
export function conversionCollapsed(
  counts: { sent: number; approved: number },
  settings: Pick<PumpingSettings, 'minSamples' | 'minConversion'>,
): boolean {
  const { sent, approved } = counts;
  return sent > 0 && sent >= settings.minSamples && approved / sent < settings.minConversion;
}

/**
 * The newest buckets of a window whose sends are not judged yet: a real user enters a code a
 * minute or two after it is sent, so a burst of fresh sends always looks unconverted. With the
 * default hour (5-minute buckets) the sends judged are at least 5 minutes old.
 */
export const UNSETTLED_BUCKETS = 2;

/** The sends of a window old enough for their codes to have been entered. */
export function settledSends(counts: { sent: number; recent: number }): number {
  return Math.max(0, counts.sent - counts.recent);
}

/**
 * How long a tripped scope's pauses are remembered after one ends: one that trips again within it
 * is paused twice as long as before (up to maxPauseSeconds), so a pumper who waits out a pause and
 * resumes gets fewer sends out each time, while a scope tripped once by mistake starts afresh.
 */
export const PAUSE_MEMORY_SECONDS = 86_400;

/** Hours of approvals kept per scope: the 7 days the baseline reads, and the hour before them. */
export const HISTORY_HOURS = 7 * 24 + 2;
export const HOUR_MS = 3_600_000;

export function hourIndex(now: number): number {
  return Math.floor(now / HOUR_MS);
}

/**
 * The hours a scope's baseline is read from: the last hour, and the same hour give or take one
 * on each of the last 7 days (a daily curve, a weekday that differs from the weekend, a peak
 * that comes a little early). Not the current hour: it has only begun.
 */
export function baselineHours(now: number): number[] {
  const hour = hourIndex(now);
  const hours = [hour - 1];
  for (let day = 1; day <= 7; day++)
    hours.push(hour - 24 * day - 1, hour - 24 * day, hour - 24 * day + 1);
  return hours;
}

/**
 * How many settled sends a scope may make in a window before low conversion is judged against
 * velocityConversion: its floor, or baselineFactor times its busiest hour of approvals in the
 * baseline hours, scaled to the window. Learnt from approvals, not sends, so pumping cannot
 * teach the watch to tolerate it: pumped codes are not entered.
 */
export function velocityThreshold(
  floor: number,
  peakApprovalsPerHour: number,
  settings: Pick<PumpingSettings, 'baselineFactor' | 'windowSeconds'>,
): number {
  const learnt = settings.baselineFactor * peakApprovalsPerHour * (settings.windowSeconds / 3600);
  return Math.max(floor, Math.ceil(learnt));
}

/** True when a scope sent more than its floor and converts below velocityConversion. */
export function velocitySuspect(
  counts: { settled: number; approved: number },
  floor: number,
  settings: Pick<PumpingSettings, 'velocityConversion'>,
): boolean {
  return counts.settled > floor && counts.approved < settings.velocityConversion * counts.settled;
}

export interface TrafficWindow {
  /** Width of one bucket, in ms. */
  bucketMs: number;
  /** Buckets summed for a window total, the current one included. */
  buckets: number;
}

/** At most this many buckets: the window slides in steps of a twelfth. */
export const MAX_TRAFFIC_BUCKETS = 12;

/**
 * How a sliding window is cut into buckets, shared by the Redis and in-process counters so both
 * count the same: twelve buckets of windowSeconds/12, but at least 1 s each (a short window has
 * fewer buckets rather than sub-second ones).
 */
export function trafficWindow(windowSeconds: number): TrafficWindow {
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new RangeError(`invalid traffic window: ${windowSeconds} s`);
  }
  const windowMs = Math.ceil(windowSeconds * 1000);
  const bucketMs = Math.max(1000, Math.ceil(windowMs / MAX_TRAFFIC_BUCKETS));
  return { bucketMs, buckets: Math.ceil(windowMs / bucketMs) };
}

/** The index of the bucket holding `now` (ms since the epoch). */
export function bucketIndex(window: TrafficWindow, now: number): number {
  return Math.floor(now / window.bucketMs);
}
