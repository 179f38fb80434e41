import type { AuditEventType } from '../audit/index.ts';

/**
 * What the console reads of the audit trail, always within one app. The pages depend on this
 * alone; wire.ts picks the implementation.
 */
export interface ConsoleReads {
  /** One page of events matching `filters`, newest first; `cursor` continues a previous page. */
  events(appId: string, filters: EventFilters, page: PageRequest): Promise<EventPage>;
  /** Every event of one verification, oldest first. */
  timeline(appId: string, verificationId: string): Promise<EventRow[]>;
  /** Counts per bucket over [since, until). */
  stats(appId: string, range: StatsRange): Promise<StatsBucket[]>;
  /** Every event matching `filters`, as text chunks of the format, ending with a trailer line. */
  export(appId: string, filters: EventFilters, format: ExportFormat): AsyncIterable<string>;
}

export interface EventFilters {
  types: AuditEventType[];
  outcome: string | null;
  reason: string | null;
  purpose: string | null;
  /** E.164; matched through the app's HMACs of it, never stored or logged. */
  phone: string | null;
  /** An address or a CIDR range, already validated. */
  ip: string | null;
  verificationId: string | null;
  since: Date | null;
  until: Date | null;
}

export interface PageRequest {
  cursor: string | null;
  limit: number;
}

export interface EventRow {
  id: string;
  type: string;
  verificationId: string | null;
  purpose: string | null;
  phoneMasked: string | null;
  clientIp: string | null;
  userAgent: string | null;
  outcome: string;
  reason: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

export interface EventPage {
  events: EventRow[];
  /** Where the next page starts, or null on the last one. */
  nextCursor: string | null;
}

export const GROUP_BYS = ['hour', 'country', 'purpose', 'route'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface StatsRange {
  since: Date;
  until: Date;
  groupBy: GroupBy;
}

export interface StatsBucket {
  /** The hour (ISO 8601), country, purpose or SMS route; `(none)` when the events have none. */
  key: string;
  sent: number;
  delivered: number;
  approved: number;
  failed: number;
  refused: number;
  refusedByReason: Record<string, number>;
  /** approved ÷ sent, or null when nothing was sent. */
  conversion: number | null;
  /** delivered ÷ sent, or null when nothing was sent. */
  deliveryRate: number | null;
}

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A cursor this app did not hand out (edited, or from another listing). */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this listing handed out.');
    this.name = 'InvalidCursorError';
  }
}
