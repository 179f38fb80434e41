import type { AuditSearchInput } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';

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

/**
 * The stats form's fields as GET /v1/audit/stats takes them (parseStatsQuery checks them):
 * datetime-local times read as UTC, grouped by hour unless the form says otherwise.
 */
export function statsParams(query: Query): { since?: string; until?: string; group_by: string } {
  return {
    since: asUtc(first(query, 'since')),
    until: asUtc(first(query, 'until')),
    group_by: first(query, 'group_by') ?? 'hour',
  };
}

function asUtc(text: string | undefined): string | undefined {
  return text && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text}Z` : text;
}
