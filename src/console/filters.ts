import type { AuditSearchInput } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';
import { GROUP_BYS, type GroupBy } from './stats.ts';

/** A filter the console could not read, named by its form field. */
export interface FieldError {
  field: string;
  message: string;
}

/** The form's fields as the query string carries them (also what the export link repeats). */
export type Query = Record<string, string[]>;

const first = (query: Query, name: string): string | undefined => {
  const value = query[name]?.[0]?.trim();
  return value ? value : undefined;
};

/**
 * The audit search a filter form asks for. Times from `<input type="datetime-local">` carry no
 * zone: the console shows every time in UTC, so they are read as UTC.
 */
export function searchInput(query: Query): AuditSearchInput {
  return {
    type: query.type ?? [],
    outcome: first(query, 'outcome'),
    reason: first(query, 'reason'),
    purpose: first(query, 'purpose'),
    phone: first(query, 'phone'),
    country: first(query, 'country'),
    ip: first(query, 'ip'),
    verification_id: first(query, 'verification_id'),
    since: asUtc(first(query, 'since')),
    until: asUtc(first(query, 'until')),
    cursor: first(query, 'cursor'),
  };
}

/** A refusal of the audit search as a field error of the form, or null for any other error. */
export function fieldError(error: unknown): FieldError | null {
  if (!(error instanceof RefusedError) || error.code !== 'invalid_filter') return null;
  // The API's messages quote parameters in Markdown backticks; the page shows them plain.
  return { field: error.extra.field ?? 'filters', message: error.message.replaceAll('`', '') };
}

export function readGroupBy(query: Query): GroupBy {
  const value = first(query, 'group_by');
  return (GROUP_BYS as readonly string[]).includes(value ?? '') ? (value as GroupBy) : 'hour';
}

/** An instant of the stats range: as the search reads them (datetime-local as UTC). */
export function readInstant(query: Query, field: string, errors: FieldError[]): Date | null {
  const text = asUtc(first(query, field));
  if (text === undefined) return null;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    errors.push({ field, message: `${text} is not a date and time (2026-01-31T14:00).` });
    return null;
  }
  return date;
}

function asUtc(text: string | undefined): string | undefined {
  return text && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text}Z` : text;
}
