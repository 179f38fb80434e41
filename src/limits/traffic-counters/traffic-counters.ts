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
  /**
   * Pauses a key that tripped: for `seconds`, doubled for each pause of it in a row (a pause
   * that began within `memorySeconds` after the previous one ended), at most `maxSeconds`.
   * Returns the pause's length in milliseconds.
   */
  pauseTripped(key: string, pause: TripPause): Promise<number>;
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
  /**
   * Adds one to each key's window counter, as increment() does but without summing it, and to
   * the key's hourly history (its count for the hour of `now`, in a namespace of its own): an
   * approval, in one step. A history keeps the last HISTORY_HOURS hours; a key untouched for
   * that long is dropped whole.
   */
  countAndTally(keys: string[], windowSeconds: number, now: number): Promise<void>;
  /** For each key, its highest hourly count among `hours` (hour indexes), 0 when it has none. */
  peaks(keys: string[], hours: number[]): Promise<number[]>;
}

export interface TripPause {
  seconds: number;
  maxSeconds: number;
  memorySeconds: number;
}

/** A tripped key's pause: `seconds` × 2^(pauses in a row before it), at most `maxSeconds`, in ms. */
export function tripPauseMs(pause: TripPause, earlier: number): number {
  const ms = Math.ceil(pause.seconds * 1000) * 2 ** earlier;
  return Math.min(ms, Math.ceil(Math.max(pause.seconds, pause.maxSeconds) * 1000));
}

export interface TrafficScreenRequest {
  pauses: string[];
  sent: string[];
  approved: string[];
  windowSeconds: number;
  now: number;
  countWhenPaused: boolean;
  /** How many of the newest buckets `recent` sums (see TrafficTotals). */
  recentBuckets: number;
}

export interface TrafficTotals {
  sent: number[];
  approved: number[];
  /** Per `sent` key, the part of its total in the newest `recentBuckets` buckets (the current included). */
  recent: number[];
}

export interface TrafficScreen {
  pausedMs: (number | null)[];
  paused: TrafficTotals | null;
  counted: TrafficTotals | null;
}
