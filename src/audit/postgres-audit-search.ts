import { and, asc, desc, eq, gt, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../db/database.ts';
import { auditEvents } from '../db/schema.ts';
import { NO_FILTER } from './audit-filter.ts';
import type { AuditRowsQuery, AuditSearchStore } from './audit-search.ts';
import { fromRow } from './postgres-writer.ts';

// Above any seq (bigint identity from 1): the open end of a range.
const LAST_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Where and in which order a read of an app's rows goes. Every read is led by app_id, and every
 * filter has an index led by (app_id, column) and ending in seq (migration audit_search_indexes),
 * so a page is an index range read in seq order whatever the trail's size.
 *
 * With no filter the bounds are row comparisons on (app_id, seq), ordered by both, rather than
 * `app_id = $1 ... order by seq`: given that equality the planner may walk
 * audit_events_seq_unique (every app's rows in seq order) and filter, which reads 20 rows for 1 of
 * an app holding a 20th of the trail, and the whole table for a small app. Only (app_id, seq)
 * serves this order, and the bounds start and stop its scan exactly.
 */
function readPlan({ appId, filter, order, afterSeq, throughSeq }: Omit<AuditRowsQuery, 'limit'>): {
  where: SQL | undefined;
  orderBy: SQL[];
} {
  const direction = order === 'desc' ? desc : asc;
  if (Object.values(filter).every((value) => value === null)) {
    const upper = Math.min(
      throughSeq ?? LAST_SEQ,
      order === 'desc' && afterSeq !== null ? afterSeq - 1 : LAST_SEQ,
    );
    const lower = order === 'asc' && afterSeq !== null ? afterSeq : 0;
    return {
      where: and(
        sql`(${auditEvents.appId}, ${auditEvents.seq}) > (${appId}, ${lower}::bigint)`,
        sql`(${auditEvents.appId}, ${auditEvents.seq}) <= (${appId}, ${upper}::bigint)`,
      ),
      orderBy: [direction(auditEvents.appId), direction(auditEvents.seq)],
    };
  }
  return {
    where: and(
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
    ),
    orderBy: [direction(auditEvents.seq)],
  };
}

/** A member's value as JSON: a string by to_json, or null. */
const jsonText = (column: AnyPgColumn) => sql`coalesce(to_json(${column})::text, 'null')`;

/**
 * The ndjson line of a row as toAuditEventJson gives it (its members in that order), built by
 * the database, so an export's rows never go through a per-column parse and re-encode here:
 * strings by to_json (Postgres escapes what JSON.stringify escapes), created_at in
 * Date#toISOString's form (milliseconds, truncated as a Date holds them), detail as stored. Only
 * the whitespace inside detail differs from JSON.stringify's, not what a parser reads
 * (test/audit/audit-search-store.test.ts compares the two on awkward values).
 */
const EXPORT_LINE = sql<string>`concat(
  '{"id":', ${jsonText(auditEvents.id)},
  ',"seq":', ${auditEvents.seq},
  ',"app_id":', ${jsonText(auditEvents.appId)},
  ',"type":', ${jsonText(auditEvents.type)},
  ',"created_at":"',
  to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  '","verification_id":', ${jsonText(auditEvents.verificationId)},
  ',"purpose":', ${jsonText(auditEvents.purpose)},
  ',"phone_masked":', ${jsonText(auditEvents.phoneMasked)},
  ',"phone_hmac":', ${jsonText(auditEvents.phoneHmac)},
  ',"client_ip":', ${jsonText(auditEvents.clientIp)},
  ',"user_agent":', ${jsonText(auditEvents.userAgent)},
  ',"outcome":', ${jsonText(auditEvents.outcome)},
  ',"reason":', ${jsonText(auditEvents.reason)},
  ',"detail":', ${auditEvents.detail}::text,
  ',"prev_hash":', ${jsonText(auditEvents.prevHash)},
  ',"hash":', ${jsonText(auditEvents.hash)},
  '}')`;

/** Searches and exports on audit_events (on PostgreSQL and PGlite alike). */
export function createPostgresAuditSearchStore(database: Database): AuditSearchStore {
  const { db } = database;
  return {
    async find(query) {
      const { where, orderBy } = readPlan(query);
      const rows = await db
        .select()
        .from(auditEvents)
        .where(where)
        .orderBy(...orderBy)
        .limit(query.limit);
      return rows.map(fromRow);
    },

    async findLines(query) {
      const { where, orderBy } = readPlan(query);
      return db
        .select({ seq: auditEvents.seq, line: EXPORT_LINE })
        .from(auditEvents)
        .where(where)
        .orderBy(...orderBy)
        .limit(query.limit);
    },

    async get(appId, id) {
      const [row] = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.appId, appId), eq(auditEvents.id, id)));
      return row ? fromRow(row) : null;
    },

    async headSeq(appId) {
      const { where, orderBy } = readPlan({
        appId,
        filter: NO_FILTER,
        order: 'desc',
        afterSeq: null,
        throughSeq: null,
      });
      const [row] = await db
        .select({ seq: auditEvents.seq })
        .from(auditEvents)
        .where(where)
        .orderBy(...orderBy)
        .limit(1);
      return row?.seq ?? 0;
    },
  };
}
