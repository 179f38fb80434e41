import { gsm7Septets } from './gsm-alphabet.ts';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

// One SMS carries 140 octets: 160 septets or 70 UCS-2 units. A concatenated message spends 6
// octets of each part on the user data header (3GPP TS 23.040 §9.2.3.24.1), leaving 153 / 67.
const LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const satisfies Record<SmsEncoding, { single: number; part: number }>;

/** How many SMS a text costs, and in which encoding it goes out. */
export function countSegments(text: string): SegmentCount {
  const septets: number[] = [];
  for (const char of text) {
    const gsm7 = gsm7Septets(char);
    if (!gsm7) return pack('UCS-2', unitsOfUtf16(text));
    // An extension character costs 2: the escape and its own septet.
    septets.push(gsm7.length);
  }
  return pack('GSM-7', septets);
}

// Per character (code point): 1 unit, or 2 for a surrogate pair such as an emoji.
function unitsOfUtf16(text: string): number[] {
  const units: number[] = [];
  for (const char of text) units.push(char.length);
  return units;
}

// Characters are packed whole: an escape is never split from its character, nor a surrogate pair
// across parts, so a character that would straddle a boundary starts the next part.
function pack(encoding: SmsEncoding, sizes: number[]): SegmentCount {
  const { single, part } = LIMITS[encoding];
  const units = sizes.reduce((sum, size) => sum + size, 0);
  if (units <= single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}
