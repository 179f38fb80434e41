// The `max` metadata is the only bundle that knows number types (getType), which is how
// mobiles are told apart from landlines and premium-rate lines.
import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/max';

export type PhoneParseResult =
  | { ok: true; e164: string; country: string; type: 'MOBILE' | 'FIXED_LINE_OR_MOBILE' }
  | { ok: false; reason: 'unparseable' | 'invalid' | 'not_mobile' };

// Errors that mean "looks like a phone number, but the digits cannot be a real one".
const INVALID_LENGTH_ERRORS = new Set(['TOO_SHORT', 'TOO_LONG', 'INVALID_LENGTH']);

/**
 * Normalises user input to E.164, accepting only numbers that can receive an SMS: MOBILE, or
 * FIXED_LINE_OR_MOBILE where the numbering plan does not separate them (US/CA, ...). Every
 * spelling of a number must give the same E.164, because limits, audit and locks key on it.
 * Never throws.
 */
export function normalizePhone(input: string, defaultCountry?: string): PhoneParseResult {
  let country: CountryCode | undefined;
  if (defaultCountry) {
    const upper = defaultCountry.toUpperCase();
    if (!isSupportedCountry(upper)) return { ok: false, reason: 'unparseable' };
    country = upper;
  }
  let text = input.trim();
  // Without a country there is no national dialling plan to read `00` from; it is the international
  // call prefix in most of the world, so `0033...` is taken as `+33...`.
  if (!country && text.startsWith('00')) text = `+${text.slice(2)}`;

  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    // extract: false refuses text around the number ("+33612345678abc"), rather than guessing.
    parsed = parsePhoneNumberWithError(text, { defaultCountry: country, extract: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    return { ok: false, reason: INVALID_LENGTH_ERRORS.has(message) ? 'invalid' : 'unparseable' };
  }

  // An extension reaches a switchboard, not a handset; dropping it silently would change the number.
  if (!parsed.isValid() || parsed.ext) return { ok: false, reason: 'invalid' };
  const type = parsed.getType();
  // Non-geographic numbers (+881 satellite, +882/+883 networks) have no country to apply
  // per-country rules to, so they are refused with the other non-SMS types.
  if ((type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') || !parsed.country) {
    return { ok: false, reason: 'not_mobile' };
  }
  return { ok: true, e164: parsed.number, country: parsed.country, type };
}

const MASK = '•';

/**
 * Masks an E.164 number for display and audit: the country calling code, the first national digit
 * and the last two digits stay; every other digit becomes `•`, in the international grouping
 * (`+33612345678` → `+33 6•• •• •• 78`, as in api.md). Input that cannot be parsed has all of its
 * digits hidden, so a clear number never leaks.
 */
export function maskPhone(e164: string): string {
  let international: string;
  let callingCode: string;
  try {
    const parsed = parsePhoneNumberWithError(e164, { extract: false });
    callingCode = parsed.countryCallingCode;
    // Formatting does not need a valid number, so this also works for reserved test ranges.
    international = parsed.formatInternational();
  } catch {
    return e164.replace(/\d/g, MASK);
  }
  const prefix = `+${callingCode} `;
  if (!international.startsWith(prefix)) return e164.replace(/\d/g, MASK);

  const national = international.slice(prefix.length);
  const digitCount = national.replace(/\D/g, '').length;
  // Very short numbers (some islands have 4-5 digits) would show most of themselves: hide them
  // entirely rather than leave fewer than three digits hidden.
  const showEnds = digitCount >= 6;
  let seen = 0;
  let masked = '';
  for (const char of national) {
    if (!/\d/.test(char)) {
      masked += char;
      continue;
    }
    const visible = showEnds && (seen === 0 || seen >= digitCount - 2);
    masked += visible ? char : MASK;
    seen++;
  }
  // api.md fixes `+33 6•• •• •• 78`: a leading group that is only the visible digit is joined to
  // the next group.
  masked = masked.replace(/^(\d) (?=•)/, '$1');
  return prefix + masked;
}
