import { and, asc, desc, eq, gt, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditEvents } from '../db/schema.ts';
import type { AuditOrder } from './audit-filter.ts';
import type { AuditSearchStore } from './audit-search.ts';
import { type AuditRecord, fromRow } from './postgres-writer.ts';

// Above any seq (bigint identity from 1): the open end of a range.
const LAST_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Searches on audit_events. Every read is led by app_id, and every filter has an index led by
 * (app_id, column) and ending in seq (migration audit_search_indexes), so a page is an index range
 * read in seq order whatever the trail's size.
 */
export function createPostgresAuditSearchStore(database: Database): AuditSearchStore {
  const { db } = database;

  /**
   * The app's rows with lower < seq <= upper, bounded by row comparisons on (app_id, seq) and
   * ordered by both, rather than `app_id = $1 ... order by seq`: given that equality the planner
   * may walk audit_events_seq_unique (every app's rows in seq order) and filter, which reads 20
   * rows for 1 of an app with a 20th of the trail and the whole table for a small app. Only
   * (app_id, seq) serves this order, and the bounds start and stop its scan exactly.
   */
  async function appRows(
    appId: string,
    lower: number,
    upper: number,
    order: AuditOrder,
    limit: number,
  ): Promise<AuditRecord[]> {
    const direction = order === 'desc' ? desc : asc;
    const rows = await db
      .select()
      .from(auditEvents)
      .where(
        and(
          sql`(${auditEvents.appId}, ${auditEvents.seq}) > (${appId}, ${lower}::bigint)`,
          sql`(${auditEvents.appId}, ${auditEvents.seq}) <= (${appId}, ${upper}::bigint)`,
        ),
      )
      .orderBy(direction(auditEvents.appId), direction(auditEvents.seq))
      .limit(limit);
    return rows.map(fromRow);
  }
  return {
    async find({ appId, filter, order, afterSeq, throughSeq, limit }) {
      if (Object.values(filter).every((value) => value === null)) {
        // No filter: the app's rows between two seqs, in the order of (app_id, seq).
        const upper = Math.min(
          throughSeq ?? LAST_SEQ,
          order === 'desc' && afterSeq !== null ? afterSeq - 1 : LAST_SEQ,
        );
        const lower = order === 'asc' && afterSeq !== null ? afterSeq : 0;
        return appRows(appId, lower, upper, order, limit);
      }
      const conditions: (SQL | undefined)[] = [
        eq(auditEvents.appId, appId),
        filter.types ? inArray(auditEvents.type, filter.types) : undefined,
        filter.outcome !== null ? eq(auditEvents.outcome, filter.outcome) : undefined,
        filter.reason !== null ? eq(auditEvents.reason, filter.reason) : undefined,
        filter.purpose !== null ? eq(auditEvents.purpose, filter.purpose) : undefined,
        filter.phoneHmacs ? inArray(auditEvents.phoneHmac, filter.phoneHmacs) : undefined,
        filter.verificationId !== null
          ? eq(auditEvents.verificationId, filter.verificationId)
          : undefined,
        // The same expression as the index: an address is the range of one address, and btree
        // reads `<<=` as a range of inet values.
        filter.ip !== null
          ? sql`"public"."tessera_inet"(${auditEvents.clientIp}) <<= ${filter.ip}::inet`
          : undefined,
        filter.since ? gte(auditEvents.createdAt, filter.since) : undefined,
        filter.until ? lt(auditEvents.createdAt, filter.until) : undefined,
        afterSeq === null
          ? undefined
          : order === 'desc'
            ? lt(auditEvents.seq, afterSeq)
            : gt(auditEvents.seq, afterSeq),
        throughSeq === null ? undefined : lte(auditEvents.seq, throughSeq),
      ];
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(...conditions))
        .orderBy(order === 'desc' ? desc(auditEvents.seq) : asc(auditEvents.seq))
        .limit(limit);
      return rows.map(fromRow);
    },

    async get(appId, id) {
      const [row] = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.appId, appId), eq(auditEvents.id, id)));
      return row ? fromRow(row) : null;
    },

    async headSeq(appId) {
      const [row] = await appRows(appId, 0, LAST_SEQ, 'desc', 1);
      return row?.seq ?? 0;
    },
  };
}
