/**
 * The traffic the pumping simulation sends: a seeded random source, the mobile number ranges of a
 * country (told apart by libphonenumber-js, as the service does), and a daily curve.
 */
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';

export type Random = () => number;

/** sfc32: small, fast, and the same sequence for a seed on every machine. */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** How many events of a Poisson process with this mean (normal approximation past 30). */
export function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss));
  }
  const limit = Math.exp(-mean);
  let n = 0;
  for (let p = random(); p > limit; p *= random()) n++;
  return n;
}

export interface NumberRange {
  /** An E.164 number of the range; the watch sees only its prefix (all but the last 4 digits). */
  sample: string;
  country: string;
}

/** The country of a number libphonenumber-js calls MOBILE, or null. */
function mobileCountry(e164: string): string | null {
  const parsed = parsePhoneNumberWithError(e164);
  return parsed.isValid() && parsed.getType() === 'MOBILE' ? (parsed.country ?? null) : null;
}

/**
 * Every 10,000-number range under `blocks` (E.164 prefixes, `digits` short of a range prefix)
 * whose numbers libphonenumber-js calls MOBILE: the allocated mobile ranges, as the service
 * accepts them. Parsing is slow (~0.2 ms), so ranges are looked at by hundreds: a hundred whose
 * first and last ranges agree is taken (or left) whole, any other is looked at range by range.
 */
export function mobileRanges(blocks: string[], digits: number): NumberRange[] {
  const ranges: NumberRange[] = [];
  const sample = (block: string, i: number) => `${block}${String(i).padStart(digits, '0')}1234`;
  for (const block of blocks) {
    for (let first = 0; first < 10 ** digits; first += 100) {
      const [a, b] = [
        mobileCountry(sample(block, first)),
        mobileCountry(sample(block, first + 99)),
      ];
      for (let i = first; i < first + 100; i++) {
        const country = a === b ? a : mobileCountry(sample(block, i));
        if (country) ranges.push({ sample: sample(block, i), country });
      }
    }
  }
  return ranges;
}

/** Picks an index with probability proportional to its weight (a binary search of the sums). */
export function weightedPicker(weights: number[]): (random: Random) => number {
  const sums: number[] = [];
  let total = 0;
  for (const weight of weights) {
    total += weight;
    sums.push(total);
  }
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = sums.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((sums[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  };
}

/**
 * Logins of a retail bank over a day, as a share of its peak hour (local time), hour by hour:
 * quiet nights, a morning climb, a late-morning peak, a second rise after work. Weekends are a
 * quarter lower and start later.
 */
const WEEKDAY = [
  0.12, 0.07, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.65, 0.85, 0.95, 1.0, 0.95, 0.9, 0.9, 0.88, 0.85,
  0.85, 0.9, 0.85, 0.7, 0.55, 0.4, 0.22,
];
const WEEKEND = [
  0.14, 0.09, 0.06, 0.04, 0.04, 0.04, 0.07, 0.15, 0.3, 0.5, 0.65, 0.72, 0.72, 0.7, 0.68, 0.66, 0.66,
  0.68, 0.7, 0.66, 0.58, 0.48, 0.36, 0.22,
];

/** Share of the peak at `ms` after a Monday midnight, interpolated between the hours. */
export function dailyCurve(ms: number): number {
  const hours = ms / 3_600_000;
  const day = Math.floor(hours / 24) % 7;
  const curve = day >= 5 ? WEEKEND : WEEKDAY;
  const hour = Math.floor(hours) % 24;
  const next = hour === 23 ? ((day + 1) % 7 >= 5 ? WEEKEND : WEEKDAY) : curve;
  const from = curve[hour] ?? 0;
  const to = next[(hour + 1) % 24] ?? 0;
  return from + (to - from) * (hours - Math.floor(hours));
}
