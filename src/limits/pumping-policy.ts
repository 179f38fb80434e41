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
 * minConversion. Pumped codes are never entered, so their ratio falls towards zero.
 */
export function conversionCollapsed(
  counts: { sent: number; approved: number },
  settings: Pick<PumpingSettings, 'minSamples' | 'minConversion'>,
): boolean {
  const { sent, approved } = counts;
  return sent > 0 && sent >= settings.minSamples && approved / sent < settings.minConversion;
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
