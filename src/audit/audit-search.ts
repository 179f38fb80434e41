import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import { RefusedError } from '../kernel/errors.ts';
import { hasIdShape } from '../kernel/ids.ts';
import type { AuditCursorCodec } from './audit-cursor.ts';
import {
  type AuditFilter,
  type AuditOrder,
  type AuditSearchInput,
  parseAuditFilter,
  parseAuditSearch,
} from './audit-filter.ts';
import type { AuditRecord } from './postgres-writer.ts';
import { buildTimeline, type VerificationTimeline } from './verification-timeline.ts';

/** One read of an app's rows, in seq order. */
export interface AuditRowsQuery {
  appId: string;
  filter: AuditFilter;
  order: AuditOrder;
  /** Rows strictly after this seq in `order`; null from the start. */
  afterSeq: number | null;
  /** Rows at or below this seq only (an export's fixed end); null for no bound. */
  throughSeq: number | null;
  limit: number;
}

/** The audit trail as searches read it. */
export interface AuditSearchStore {
  find(query: AuditRowsQuery): Promise<AuditRecord[]>;
  /** The rows `find` reads, each as its ndjson export line (toAuditEventJson's JSON) and its seq. */
  findLines(query: AuditRowsQuery): Promise<{ seq: number; line: string }[]>;
  get(appId: string, id: string): Promise<AuditRecord | null>;
  /** The highest seq of the app's rows, 0 when it has none. */
  headSeq(appId: string): Promise<number>;
}

export interface AuditSearchDeps {
  store: AuditSearchStore;
  phones: Pick<SubjectHmacs, 'lookupHmacs'>;
  cursors: AuditCursorCodec;
}

export interface AuditPage {
  events: AuditRecord[];
  /** Continues this search after the page's last row; null when no row followed it. */
  nextCursor: string | null;
}

/**
 * One page of an app's trail. One row more than asked is read, so that a page that ends the
 * trail says so (no cursor) instead of sending the client to an empty page.
 */
export async function searchAuditEvents(
  deps: AuditSearchDeps,
  appId: string,
  input: AuditSearchInput,
): Promise<AuditPage> {
  const search = await parseAuditSearch(deps, appId, input);
  const rows = await deps.store.find({ ...search, throughSeq: null, limit: search.limit + 1 });
  const events = rows.slice(0, search.limit);
  const last = events[events.length - 1];
  return {
    events,
    nextCursor:
      rows.length > search.limit && last ? deps.cursors.encode(search.cursorScope, last.seq) : null,
  };
}

/** One event of the app; another app's event is as unknown as one that does not exist. */
export async function getAuditEvent(
  deps: Pick<AuditSearchDeps, 'store'>,
  appId: string,
  id: string,
): Promise<AuditRecord> {
  const record = hasIdShape('evt', id) ? await deps.store.get(appId, id) : null;
  if (!record) {
    throw new RefusedError('audit_event_not_found', 'No audit event with this id for this app.');
  }
  return record;
}

// A verification has a handful of events (a send, its receipt, a few resends and checks); the
// bound only keeps a pathological one from answering megabytes.
export const TIMELINE_MAX_EVENTS = 1000;

/** Every event of one verification, oldest first, and its SMS with their receipts. */
export async function verificationTimeline(
  deps: AuditSearchDeps,
  appId: string,
  verificationId: string,
): Promise<VerificationTimeline> {
  const filter = hasIdShape('ver', verificationId)
    ? await parseAuditFilter(deps, appId, { verification_id: verificationId })
    : null;
  const events = filter
    ? await deps.store.find({
        appId,
        filter,
        order: 'asc',
        afterSeq: null,
        throughSeq: null,
        limit: TIMELINE_MAX_EVENTS,
      })
    : [];
  if (events.length === 0) {
    throw new RefusedError(
      'verification_not_found',
      'No audit event of a verification with this id for this app.',
    );
  }
  return buildTimeline(verificationId, events);
}
