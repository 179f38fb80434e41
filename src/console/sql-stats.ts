import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { ConsoleStats, StatsBucket } from './stats.ts';

/**
 * Stats counted from `audit_events` at each request: the console's stand-in until the audit
 * module's rollups serve them (a long range scans its rows).
 */
export function createSqlConsoleStats(database: Database): ConsoleStats {
  const { db } = database;
  return {
    async stats({ appId, ...range }) {
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
      const buckets = rows.map((row): StatsBucket => {
        const sent = Number(row.sent);
        const delivered = Number(row.delivered);
        const approved = Number(row.approved);
        const reasons = typeof row.reasons === 'string' ? JSON.parse(row.reasons) : row.reasons;
        return {
          key: row.bucket,
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
      return { buckets };
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
