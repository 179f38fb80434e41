/**
 * Sliding-window counters and pauses for the SMS pumping watch. Keys are opaque strings built by
 * the caller (HMACs of number prefixes, country codes), never clear numbers. Every key has a TTL.
 */
export interface TrafficCounters {
  /** Adds one to each key's current bucket and returns each key's total over the window. */
  increment(keys: string[], windowSeconds: number, now: number): Promise<number[]>;
  /** Each key's total over the window ending at `now`. */
  read(keys: string[], windowSeconds: number, now: number): Promise<number[]>;
  /** Marks a key paused for `seconds` (from the wall clock, like a TTL). */
  pause(key: string, seconds: number): Promise<void>;
  /** For each key, the milliseconds its pause has left, or null when it is not paused. */
  pausedFor(keys: string[]): Promise<(number | null)[]>;
  /**
   * One send's screen, atomically and in one round trip: each pause's time left; when one is
   * paused, the window totals of `sent` and `approved` as they stood (`paused`); then, unless a
   * pause stops it (`countWhenPaused` false), one added to each `sent` key and the totals after it
   * (`counted`, null when nothing was counted).
   */
  screen(request: TrafficScreenRequest): Promise<TrafficScreen>;
  /** Takes back one count from each key's bucket at `now` (a screened send that did not go), never below zero. */
  uncount(keys: string[], windowSeconds: number, now: number): Promise<void>;
}

export interface TrafficScreenRequest {
  pauses: string[];
  sent: string[];
  approved: string[];
  windowSeconds: number;
  now: number;
  countWhenPaused: boolean;
}

export interface TrafficTotals {
  sent: number[];
  approved: number[];
}

export interface TrafficScreen {
  pausedMs: (number | null)[];
  paused: TrafficTotals | null;
  counted: TrafficTotals | null;
}
