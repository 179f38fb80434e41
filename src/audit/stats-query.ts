import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { type AuditStatsReader, foldStats, type StatsGroupBy, type StatsRow } from './stats.ts';

// The rows each group reads: a dimension's own, or, per hour, the purpose rows (every counted
// event has one, under whatever purpose), and the bucket key (the hour as ISO 8601, UTC).
const BUCKETS: Record<StatsGroupBy, { dimension: string; key: SQL }> = {
  country: { dimension: 'country', key: sql.raw('key') },
  purpose: { dimension: 'purpose', key: sql.raw('key') },
  route: { dimension: 'route', key: sql.raw('key') },
  hour: {
    dimension: 'purpose',
    key: sql.raw(`to_char(hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`),
  },
};

/**
 * Stats from the hourly table: one range scan of the app's hours on its primary key, summed in
 * the database to a row per (bucket, metric, reason), never the events themselves.
 */
export function createPostgresStatsReader(database: Database): AuditStatsReader {
  return {
    async stats(query) {
      const { dimension, key } = BUCKETS[query.groupBy];
      const { rows } = await database.db.execute<{
        key: string;
        metric: string;
        reason: string;
        count: string;
      }>(sql`
        select ${key} as key, metric, reason, sum(count)::text as count
          from audit_stats_hourly
         where app_id = ${query.appId}
           and dimension = ${dimension}
           and hour >= ${query.since.toISOString()}::timestamptz
           and hour < ${query.until.toISOString()}::timestamptz
         group by 1, 2, 3`);
      return foldStats(
        query,
        rows.map((row): StatsRow => ({ ...row, count: Number(row.count) })),
      );
    },
  };
}
