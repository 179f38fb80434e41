import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { type AuditStatsReader, foldStats, type StatsGroupBy, type StatsRow } from './stats.ts';

const byKey = { column: sql.raw('key'), select: sql.raw('key'), key: (raw: string) => raw };

// The rows each group reads: a dimension's own, or, per hour, the purpose rows (every counted
// event has one, under whatever purpose), and the bucket key. The hour leaves the database as
// epoch seconds, computed once per summed row, and is formatted here (ISO 8601, UTC, whole
// seconds): a to_char as the grouping key ran on every row read, before grouping.
const BUCKETS: Record<
  StatsGroupBy,
  { dimension: string; column: SQL; select: SQL; key: (raw: string) => string }
> = {
  country: { dimension: 'country', ...byKey },
  purpose: { dimension: 'purpose', ...byKey },
  route: { dimension: 'route', ...byKey },
  hour: {
    dimension: 'purpose',
    column: sql.raw('hour'),
    select: sql.raw('extract(epoch from hour)::bigint::text'),
    key: (raw) => `${new Date(Number(raw) * 1000).toISOString().slice(0, 19)}Z`,
  },
};

/**
 * Stats from the hourly table: one range scan of the app's hours on its primary key, summed in
 * the database to a row per (bucket, metric, reason), never the events themselves.
 */
export function createPostgresStatsReader(database: Database): AuditStatsReader {
  return {
    async stats(query) {
      const { dimension, column, select, key } = BUCKETS[query.groupBy];
      const { rows } = await database.db.execute<{
        key: string;
        metric: string;
        reason: string;
        count: string;
      }>(sql`
        select ${select} as key, metric, reason, sum(count)::text as count
          from audit_stats_hourly
         where app_id = ${query.appId}
           and dimension = ${dimension}
           and hour >= ${query.since.toISOString()}::timestamptz
           and hour < ${query.until.toISOString()}::timestamptz
         group by ${column}, metric, reason`);
      return foldStats(
        query,
        rows.map((row): StatsRow => ({ ...row, key: key(row.key), count: Number(row.count) })),
      );
    },
  };
}
