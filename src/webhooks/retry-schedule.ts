/**
 * When a failed delivery is tried again: the Standard Webhooks reference schedule (immediately,
 * then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), each delay with up to 20 % jitter either side so
 * that the deliveries of one outage do not all come back at once. After the last one the delivery
 * is failed: about 27 hours after the event, well within a day of the receiver coming back.
 */
export const RETRY_DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
] as const;

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The delay after the `attempts`-th failure, or null when there is no retry left. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + 0.4 * random()));
}
