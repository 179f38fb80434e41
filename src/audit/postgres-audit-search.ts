import { and, asc, desc, eq, gt, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditEvents } from '../db/schema.ts';
import type { AuditSearchStore } from './audit-search.ts';
import { fromRow } from './postgres-writer.ts';

/**
 * Searches on audit_events. Every read is led by app_id, and every filter has an index led by
 * (app_id, column) and ending in seq (migration audit_search_indexes), so a page is an index range
 * read in seq order whatever the trail's size.
 */
export function createPostgresAuditSearchStore(database: Database): AuditSearchStore {
  const { db } = database;
  return {
    async find({ appId, filter, order, afterSeq, throughSeq, limit }) {
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
      const [row] = await db
        .select({ seq: auditEvents.seq })
        .from(auditEvents)
        .where(eq(auditEvents.appId, appId))
        .orderBy(desc(auditEvents.seq))
        .limit(1);
      return row?.seq ?? 0;
    },
  };
}
