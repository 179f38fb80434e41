import { isIP } from 'node:net';
import { normalizeIp } from '../http/client-ip.ts';
import { canonicalJson } from '../kernel/canonical-json.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import { invalidFilter } from '../kernel/errors.ts';
import { hasIdShape } from '../kernel/ids.ts';
import { normalizePhone } from '../kernel/phone.ts';
import type { AuditCursorCodec } from './audit-cursor.ts';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './types.ts';

/**
 * A search of the audit trail as a client writes it (query parameters, or a console form): every
 * value a string, checked by parseAuditSearch. `type` may repeat or list types separated by commas.
 */
export interface AuditSearchInput {
  type?: string | readonly string[] | undefined;
  outcome?: string | undefined;
  reason?: string | undefined;
  purpose?: string | undefined;
  /** E.164, or a national number with `country`. Matched through its HMAC, never stored. */
  phone?: string | undefined;
  country?: string | undefined;
  /** A `phone_hmac` as events show it: a number's rows without its clear value in the URL. */
  phone_hmac?: string | undefined;
  /** An address (`203.0.113.7`, `2001:db8::1`) or a CIDR range (`203.0.113.0/24`). */
  ip?: string | undefined;
  verification_id?: string | undefined;
  /** Inclusive lower bound on created_at (RFC 3339, or a date meaning its midnight UTC). */
  since?: string | undefined;
  /** Exclusive upper bound on created_at. */
  until?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  /** `desc` (newest first, the default) or `asc`. */
  order?: string | undefined;
}

/** What rows a search keeps; every member null means "any". */
export interface AuditFilter {
  types: AuditEventType[] | null;
  outcome: string | null;
  reason: string | null;
  purpose: string | null;
  /** Every HMAC the number may carry in this app's rows (PhoneProtector.lookupHmacs). */
  phoneHmacs: string[] | null;
  /** An inet literal: an address, or a network as `address/prefix`. */
  ip: string | null;
  verificationId: string | null;
  since: Date | null;
  until: Date | null;
}

/** The filter of a search with none: every row of the app. */
export const NO_FILTER: AuditFilter = Object.freeze({
  types: null,
  outcome: null,
  reason: null,
  purpose: null,
  phoneHmacs: null,
  ip: null,
  verificationId: null,
  since: null,
  until: null,
});

export type AuditOrder = 'asc' | 'desc';

/** One checked search: its filter, one page's place and size. */
export interface AuditSearch {
  appId: string;
  filter: AuditFilter;
  order: AuditOrder;
  limit: number;
  /** Rows after this seq in `order`, from a cursor; null for the first page. */
  afterSeq: number | null;
  /** What a cursor of this search is bound to: the app, the filter and the order. */
  cursorScope: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
// Free-text filters are compared, never interpreted; the bound only keeps requests small.
const MAX_TEXT_FILTER = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;

const EVENT_TYPES = new Set<string>(AUDIT_EVENT_TYPES);

export interface AuditFilterDeps {
  phones: Pick<SubjectHmacs, 'lookupHmacs'>;
  cursors: AuditCursorCodec;
}

/**
 * Checks a search of one app's trail. A value that is wrong is refused as `invalid_filter`
 * naming its parameter (422), never ignored: a security team must not read "no rows" for a
 * filter that was not applied.
 */
export async function parseAuditSearch(
  deps: AuditFilterDeps,
  appId: string,
  input: AuditSearchInput,
): Promise<AuditSearch> {
  const filter = await parseAuditFilter(deps, appId, input);
  const order = parseOrder(input.order);
  const limit = parseLimit(input.limit);
  const cursorScope = canonicalJson({ appId, order, filter });
  let afterSeq: number | null = null;
  if (given(input.cursor) !== null) {
    afterSeq = deps.cursors.decode(cursorScope, input.cursor as string);
    if (afterSeq === null) {
      throw invalidFilter(
        'cursor',
        'This cursor was not issued for this search: it is altered, or the filters or order changed.',
      );
    }
  }
  return { appId, filter, order, limit, afterSeq, cursorScope };
}

/** The filter part of a search alone (an export has no page). */
export async function parseAuditFilter(
  deps: Pick<AuditFilterDeps, 'phones'>,
  appId: string,
  input: AuditSearchInput,
): Promise<AuditFilter> {
  const since = parseInstant('since', input.since);
  const until = parseInstant('until', input.until);
  if (since && until && since.getTime() > until.getTime()) {
    throw invalidFilter('since', '`since` is after `until`.');
  }
  const verificationId = given(input.verification_id);
  if (verificationId !== null && !hasIdShape('ver', verificationId)) {
    throw invalidFilter('verification_id', '`verification_id` is not a verification id (ver_…).');
  }
  return {
    types: parseTypes(input.type),
    outcome: parseText('outcome', input.outcome),
    reason: parseText('reason', input.reason),
    purpose: parseText('purpose', input.purpose),
    phoneHmacs: await parsePhoneFilter(deps.phones, appId, input),
    ip: parseIpFilter(input.ip),
    verificationId,
    since,
    until,
  };
}

function given(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function parseTypes(value: AuditSearchInput['type']): AuditEventType[] | null {
  const listed = (typeof value === 'string' ? [value] : (value ?? []))
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (listed.length === 0) return null;
  const unknown = listed.filter((item) => !EVENT_TYPES.has(item));
  if (unknown.length > 0) {
    throw invalidFilter(
      'type',
      `Unknown event type ${JSON.stringify(unknown[0]!.slice(0, 64))}; the types are listed in the README (For security teams).`,
    );
  }
  // Sorted, so that the same set in another order keeps its cursors.
  return [...new Set(listed as AuditEventType[])].sort();
}

function parseText(field: string, value: string | undefined): string | null {
  const text = given(value);
  if (text !== null && text.length > MAX_TEXT_FILTER) {
    throw invalidFilter(field, `\`${field}\` is longer than ${MAX_TEXT_FILTER} characters.`);
  }
  // No stored value holds one, and Postgres refuses NUL in a parameter (a 500, not an answer).
  if (text !== null && CONTROL_CHARACTERS.test(text)) {
    throw invalidFilter(field, `\`${field}\` holds a control character.`);
  }
  return text;
}

async function parsePhoneFilter(
  phones: Pick<SubjectHmacs, 'lookupHmacs'>,
  appId: string,
  input: AuditSearchInput,
): Promise<string[] | null> {
  const hmac = given(input.phone_hmac);
  if (hmac === null) return parsePhone(phones, appId, input.phone, input.country);
  if (given(input.phone) !== null) {
    throw invalidFilter('phone_hmac', 'Give `phone` or `phone_hmac`, not both.');
  }
  if (!/^[0-9a-f]{64}$/.test(hmac)) {
    throw invalidFilter('phone_hmac', '`phone_hmac` is 64 lower-case hex digits.');
  }
  return [hmac];
}

async function parsePhone(
  phones: Pick<SubjectHmacs, 'lookupHmacs'>,
  appId: string,
  value: string | undefined,
  countryValue: string | undefined,
): Promise<string[] | null> {
  const country = given(countryValue);
  if (country !== null && !/^[A-Za-z]{2}$/.test(country)) {
    throw invalidFilter('country', '`country` is not an ISO 3166-1 alpha-2 code.');
  }
  const text = given(value);
  if (text === null) return null;
  const parsed = normalizePhone(text, country ?? undefined);
  if (!parsed.ok) {
    // The number is not echoed back: a problem body may end up in a log.
    throw invalidFilter(
      'phone',
      country === null && !text.startsWith('+')
        ? '`phone` is not an E.164 number; give a national number with `country`.'
        : '`phone` is not a mobile number.',
    );
  }
  return [...(await phones.lookupHmacs(appId, parsed.e164))];
}

/** An address or a CIDR range, as an inet literal in the canonical spelling stored rows use. */
function parseIpFilter(value: string | undefined): string | null {
  const text = given(value);
  if (text === null) return null;
  const invalid = () =>
    invalidFilter('ip', '`ip` is not an IP address or a CIDR range (e.g. 203.0.113.0/24).');
  const [addressText = '', prefixText, ...rest] = text.split('/');
  const address = normalizeIp(addressText);
  if (address === null || rest.length > 0) throw invalid();
  if (prefixText === undefined) return address;
  if (!/^\d{1,3}$/.test(prefixText)) throw invalid();
  const ipv4 = isIP(address) === 4;
  let prefix = Number(prefixText);
  // Stored addresses are written ::ffff:a.b.c.d → a.b.c.d (normalizeIp), so a mapped range is too.
  if (ipv4 && isIP(addressText) === 6) prefix -= 96;
  if (prefix < 0 || prefix > (ipv4 ? 32 : 128)) throw invalid();
  return `${address}/${prefix}`;
}

const INSTANT =
  /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

function parseInstant(field: string, value: string | undefined): Date | null {
  const text = given(value);
  if (text === null) return null;
  // A date alone is its midnight UTC; a time needs its offset, so no server zone is guessed.
  const time = INSTANT.test(text)
    ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text)
    : NaN;
  if (Number.isNaN(time)) {
    throw invalidFilter(
      field,
      `\`${field}\` is not an RFC 3339 date-time with its offset (e.g. 2026-01-31T08:00:00Z) or a date.`,
    );
  }
  return new Date(time);
}

function parseOrder(value: string | undefined): AuditOrder {
  const text = given(value) ?? 'desc';
  if (text !== 'asc' && text !== 'desc') throw invalidFilter('order', '`order` is asc or desc.');
  return text;
}

function parseLimit(value: string | undefined): number {
  const text = given(value);
  if (text === null) return DEFAULT_PAGE_SIZE;
  const limit = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
    throw invalidFilter('limit', `\`limit\` is a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return limit;
}
