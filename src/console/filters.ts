import { BlockList, isIP } from 'node:net';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit/index.ts';
import { normalizePhone } from '../kernel/phone.ts';
import { type EventFilters, GROUP_BYS, type GroupBy } from './reads.ts';

/** A filter the console could not read, named by its form field. */
export interface FieldError {
  field: string;
  message: string;
}

/** The filter form's fields, as the query string carries them (also what the export link repeats). */
export type Query = Record<string, string[]>;

const first = (query: Query, name: string): string | null => {
  const value = query[name]?.[0]?.trim();
  return value ? value : null;
};

/**
 * The event filters of a query string, each checked: a known event type, an E.164 number (or a
 * national one with its country), an address or CIDR range, ISO 8601 instants with since ≤ until.
 */
export function readEventFilters(
  query: Query,
): { ok: true; filters: EventFilters } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const types: AuditEventType[] = [];
  for (const type of (query.type ?? []).map((t) => t.trim()).filter(Boolean)) {
    if ((AUDIT_EVENT_TYPES as readonly string[]).includes(type)) types.push(type as AuditEventType);
    else errors.push({ field: 'type', message: `${type} is not an event type.` });
  }
  const phoneText = first(query, 'phone');
  let phone: string | null = null;
  if (phoneText) {
    const parsed = normalizePhone(phoneText, first(query, 'country') ?? undefined);
    if (parsed.ok) phone = parsed.e164;
    else
      errors.push({
        field: 'phone',
        message: 'Give a number in E.164 (+33612345678), or a national number and its country.',
      });
  }
  const ip = first(query, 'ip');
  if (ip && !isAddressOrRange(ip)) {
    errors.push({ field: 'ip', message: `${ip} is not an IP address or CIDR range.` });
  }
  const since = readInstant(query, 'since', errors);
  const until = readInstant(query, 'until', errors);
  if (since && until && since > until) {
    errors.push({ field: 'since', message: 'From must not be after To.' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    filters: {
      types,
      outcome: first(query, 'outcome'),
      reason: first(query, 'reason'),
      purpose: first(query, 'purpose'),
      phone,
      ip,
      verificationId: first(query, 'verification_id'),
      since,
      until,
    },
  };
}

export function readGroupBy(query: Query): GroupBy {
  const value = first(query, 'group_by');
  return (GROUP_BYS as readonly string[]).includes(value ?? '') ? (value as GroupBy) : 'hour';
}

/**
 * An instant from a form: ISO 8601 with a zone, or what `<input type="datetime-local">` sends
 * (no zone), read as UTC since the console shows every time in UTC.
 */
export function readInstant(query: Query, field: string, errors: FieldError[]): Date | null {
  const text = first(query, field);
  if (!text) return null;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const date = new Date(withZone);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    errors.push({ field, message: `${text} is not a date and time (2026-01-31T14:00).` });
    return null;
  }
  return date;
}

function isAddressOrRange(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  try {
    new BlockList().addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}
