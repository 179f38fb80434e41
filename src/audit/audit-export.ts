import type { AuditSearchInput } from './audit-filter.ts';
import { parseAuditSearch } from './audit-filter.ts';
import type { AuditRowsQuery, AuditSearchDeps, AuditSearchStore } from './audit-search.ts';
import { type AuditActor, auditEvent } from './events.ts';
import { csvRow, type ExportFormat, type ExportTrailer } from './export-format.ts';
import type { AuditEvent } from './types.ts';

// Rows per read of an export: large enough for few round trips, small enough that one batch in
// memory stays a few megabytes whatever the export's size.
export const EXPORT_BATCH = 2000;

export interface AuditExport {
  format: ExportFormat;
  /** The highest seq the export includes: rows appended after it started are left out. */
  throughSeq: number;
  /**
   * The matching rows in the search's order as lines of the format (no line end), one batch at a
   * time, at most one read ahead.
   */
  batches: AsyncIterable<string[]>;
}

interface ExportRow {
  seq: number;
  line: string;
}

/**
 * How a batch of each format is read: ndjson lines are built by the database (findLines), so the
 * bulk of an export is never parsed and re-encoded here; CSV rows go through csvRow, whose
 * formula neutralising is kernel/csv.ts's.
 */
const READERS: Record<
  ExportFormat,
  (store: AuditSearchStore, query: AuditRowsQuery) => Promise<ExportRow[]>
> = {
  ndjson: (store, query) => store.findLines(query),
  csv: async (store, query) =>
    (await store.find(query)).map((record) => ({ seq: record.seq, line: csvRow(record) })),
};

/**
 * Every row of a search, read in keyset batches (seq after the last row of the previous batch),
 * so memory holds two batches (one read ahead) whatever the export's size, on Postgres and
 * PGlite alike, and no connection or snapshot is held while the client is slow to read. The end
 * is fixed when the export starts: an export is a consistent cut (every matching row up to one
 * seq) and ends even while rows keep coming. `limit` and `cursor` do not apply.
 */
export async function exportAuditEvents(
  deps: AuditSearchDeps,
  appId: string,
  input: AuditSearchInput,
  format: ExportFormat,
): Promise<AuditExport> {
  const { limit: _limit, cursor: _cursor, ...filters } = input;
  const search = await parseAuditSearch(deps, appId, filters);
  const throughSeq = await deps.store.headSeq(appId);
  const { store } = deps;
  const read = (afterSeq: number | null) =>
    READERS[format](store, { ...search, afterSeq, throughSeq, limit: EXPORT_BATCH });
  // One batch read ahead: the next read runs while the caller encodes and writes this one, so
  // the database and the socket overlap and memory holds two batches at most.
  async function* batches(): AsyncGenerator<string[]> {
    let ahead: Promise<ExportRow[]> | null = read(null);
    try {
      while (ahead) {
        const rows: ExportRow[] = await ahead;
        ahead = rows.length === EXPORT_BATCH ? read(rows[rows.length - 1]!.seq) : null;
        if (rows.length > 0) yield rows.map((row) => row.line);
      }
    } finally {
      // A caller that stops early (a cancelled stream) leaves the read ahead unawaited: its
      // failure then has no one to tell and must not surface as an unhandled rejection.
      ahead?.catch(() => {});
    }
  }
  return { format, throughSeq, batches: batches() };
}

/**
 * The row that records an export: who took the trail out, through which door, with which filters
 * and how much. A number filter is recorded as used, never as its value or HMAC, so the record of
 * a search does not itself become a way back to the number.
 */
export function auditExportedEvent(
  actor: AuditActor,
  input: { via: 'api' | 'console'; format: ExportFormat; filters: AuditSearchInput },
  trailer: ExportTrailer,
  now: number,
): AuditEvent {
  const {
    phone,
    phone_hmac,
    country: _country,
    limit: _limit,
    cursor: _cursor,
    ...rest
  } = input.filters;
  const filters = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined && value.length > 0),
  );
  const detail = {
    via: input.via,
    format: input.format,
    filters: { ...filters, phone: Boolean(phone || phone_hmac) },
    ...trailer,
  };
  return auditEvent(actor, 'audit.exported', { outcome: 'ok', detail }, now);
}
