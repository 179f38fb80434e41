import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { normalizeIp } from '../http/client-ip.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import {
  type ConsoleReads,
  type EventFilters,
  type EventRow,
  InvalidCursorError,
  type StatsBucket,
} from './reads.ts';

type Row = {
  id: string;
  seq: string | number;
  type: string;
  verification_id: string | null;
  purpose: string | null;
  phone_masked: string | null;
  client_ip: string | null;
  user_agent: string | null;
  outcome: string;
  reason: string | null;
  detail: Record<string, unknown> | string;
  created_at: Date | string;
};

const COLUMNS = sql.raw(
  'id, seq, type, verification_id, purpose, phone_masked, client_ip, user_agent, outcome, reason, detail, created_at',
);

/** How many rows the export reads per query: bounded memory whatever the size of the export. */
const EXPORT_BATCH = 1000;

/**
 * The console's reads straight from `audit_events` (the columns of README, Audit), keyset-paged on
 * `seq`, the chain order: rows appended while someone pages all land before the first page, so no
 * row is skipped or repeated.
 */
export function createSqlConsoleReads(database: Database, phones: PhoneProtector): ConsoleReads {
  const { db } = database;
  const page = async (
    appId: string,
    filters: EventFilters,
    limit: number,
    before: bigint | null,
  ) => {
    const conditions = [whereFilters(appId, filters, phones)];
    if (before !== null) conditions.push(sql`seq < ${before.toString()}`);
    const { rows } = await db.execute<Row>(
      sql`SELECT ${COLUMNS} FROM audit_events WHERE ${sql.join(conditions, sql` AND `)} ORDER BY seq DESC LIMIT ${limit + 1}`,
    );
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    const last = kept.at(-1);
    return { rows: kept, next: more && last ? BigInt(last.seq) : null };
  };

  return {
    async events(appId, filters, request) {
      const before = request.cursor === null ? null : decodeCursor(request.cursor);
      const { rows, next } = await page(appId, filters, request.limit, before);
      return { events: rows.map(toEvent), nextCursor: next === null ? null : encodeCursor(next) };
    },
    async timeline(appId, verificationId) {
      const { rows } = await db.execute<Row>(
        sql`SELECT ${COLUMNS} FROM audit_events WHERE app_id = ${appId} AND verification_id = ${verificationId} ORDER BY seq`,
      );
      return rows.map(toEvent);
    },
    async stats(appId, range) {
      const bucket = BUCKETS[range.groupBy];
      const { rows } = await db.execute<{
        bucket: string | null;
        sent: string | number;
        delivered: string | number;
        approved: string | number;
        failed: string | number;
        refused: string | number;
        reasons: Record<string, number> | string | null;
      }>(sql`
        WITH e AS (
          SELECT ${bucket} AS bucket, type, outcome, reason FROM audit_events ev
          WHERE app_id = ${appId} AND created_at >= ${range.since.toISOString()}
            AND created_at < ${range.until.toISOString()}
        ), refusals AS (
          SELECT bucket, jsonb_object_agg(coalesce(reason, '(none)'), n) AS reasons FROM (
            SELECT bucket, reason, count(*) AS n FROM e WHERE outcome = 'refused' GROUP BY bucket, reason
          ) r GROUP BY bucket
        )
        SELECT e.bucket,
          count(*) FILTER (WHERE type = 'sms.sent') AS sent,
          count(*) FILTER (WHERE type = 'sms.delivered') AS delivered,
          count(*) FILTER (WHERE type = 'check.approved') AS approved,
          count(*) FILTER (WHERE type IN ('sms.failed', 'sms.undelivered')) AS failed,
          count(*) FILTER (WHERE outcome = 'refused') AS refused,
          min(refusals.reasons::text) AS reasons
        FROM e LEFT JOIN refusals ON refusals.bucket IS NOT DISTINCT FROM e.bucket
        GROUP BY e.bucket ORDER BY e.bucket`);
      return rows.map((row): StatsBucket => {
        const sent = Number(row.sent);
        const delivered = Number(row.delivered);
        const approved = Number(row.approved);
        const reasons = typeof row.reasons === 'string' ? JSON.parse(row.reasons) : row.reasons;
        return {
          key: row.bucket ?? '(none)',
          sent,
          delivered,
          approved,
          failed: Number(row.failed),
          refused: Number(row.refused),
          refusedByReason: reasons ?? {},
          conversion: sent === 0 ? null : approved / sent,
          deliveryRate: sent === 0 ? null : delivered / sent,
        };
      });
    },
    async *export(appId, filters, format) {
      const write = format === 'csv' ? csvLine : (event: EventRow) => `${JSON.stringify(event)}\n`;
      if (format === 'csv') yield `${CSV_HEADER.join(',')}\r\n`;
      let before: bigint | null = null;
      let count = 0;
      do {
        const { rows, next } = await page(appId, filters, EXPORT_BATCH, before);
        for (const row of rows) yield write(toEvent(row));
        count += rows.length;
        before = next;
      } while (before !== null);
      // A cut export lacks this line: whoever reads it can tell it is incomplete.
      yield format === 'csv'
        ? `# complete: ${count} rows\r\n`
        : `${JSON.stringify({ export: 'complete', rows: count })}\n`;
    },
  };
}

/** Each bucket's key; country and route come from the verification's creation and sent SMS. */
const BUCKETS = {
  hour: sql`to_char(date_trunc('hour', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24":00Z"')`,
  purpose: sql`purpose`,
  country: sql`coalesce(detail->>'country', (SELECT c.detail->>'country' FROM audit_events c
    WHERE c.app_id = ev.app_id AND c.verification_id = ev.verification_id
      AND c.type = 'verification.created' LIMIT 1))`,
  route: sql`coalesce(detail->>'route', (SELECT s.detail->>'route' FROM audit_events s
    WHERE s.app_id = ev.app_id AND s.verification_id = ev.verification_id
      AND s.type = 'sms.sent' LIMIT 1))`,
} as const;

function whereFilters(appId: string, filters: EventFilters, phones: PhoneProtector): SQL {
  const conditions: SQL[] = [sql`app_id = ${appId}`];
  if (filters.types.length > 0) {
    conditions.push(
      sql`type IN (${sql.join(
        filters.types.map((type) => sql`${type}`),
        sql`, `,
      )})`,
    );
  }
  if (filters.outcome) conditions.push(sql`outcome = ${filters.outcome}`);
  if (filters.reason) conditions.push(sql`reason = ${filters.reason}`);
  if (filters.purpose) conditions.push(sql`purpose = ${filters.purpose}`);
  if (filters.verificationId) conditions.push(sql`verification_id = ${filters.verificationId}`);
  if (filters.phone) {
    const [own, legacy] = phones.lookupHmacs(appId, filters.phone);
    conditions.push(sql`phone_hmac IN (${own}, ${legacy})`);
  }
  if (filters.ip) {
    // Stored addresses are canonical (http/client-ip.ts); the CASE keeps the cast off other text.
    conditions.push(
      filters.ip.includes('/')
        ? sql`(CASE WHEN client_ip ~ '^[0-9A-Fa-f:.]+$' THEN client_ip::inet <<= ${filters.ip}::inet ELSE false END)`
        : sql`client_ip = ${normalizeIp(filters.ip) ?? filters.ip}`,
    );
  }
  if (filters.since) conditions.push(sql`created_at >= ${filters.since.toISOString()}`);
  if (filters.until) conditions.push(sql`created_at < ${filters.until.toISOString()}`);
  return sql.join(conditions, sql` AND `);
}

function toEvent(row: Row): EventRow {
  return {
    id: row.id,
    type: row.type,
    verificationId: row.verification_id,
    purpose: row.purpose,
    phoneMasked: row.phone_masked,
    clientIp: row.client_ip,
    userAgent: row.user_agent,
    outcome: row.outcome,
    reason: row.reason,
    detail: typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail,
    createdAt: new Date(row.created_at),
  };
}

function encodeCursor(seq: bigint): string {
  return Buffer.from(`v1:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): bigint {
  const match = /^v1:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new InvalidCursorError();
  return BigInt(match[1]);
}

const CSV_HEADER = [
  'id',
  'created_at',
  'type',
  'outcome',
  'reason',
  'verification_id',
  'purpose',
  'phone_masked',
  'client_ip',
  'user_agent',
  'detail',
];

function csvLine(event: EventRow): string {
  const cells = [
    event.id,
    event.createdAt.toISOString(),
    event.type,
    event.outcome,
    event.reason,
    event.verificationId,
    event.purpose,
    event.phoneMasked,
    event.clientIp,
    event.userAgent,
    JSON.stringify(event.detail),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * One RFC 4180 cell. A cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first)
 * gets a leading apostrophe, as the OWASP CSV Injection page advises.
 */
function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
