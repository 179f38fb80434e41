/**
 * Audit stats (GET /v1/audit/stats, the console's charts): SMS outcomes per bucket, read from the
 * hourly counts a trigger keeps with the events (migration 0009_audit_stats_hourly), so a 90-day
 * figure sums a few thousand hours instead of reading every event. Pure parts here; the query in
 * stats-query.ts.
 */

export const STATS_GROUPS = ['country', 'purpose', 'hour', 'route'] as const;
export type StatsGroupBy = (typeof STATS_GROUPS)[number];

/** The widest window one request may ask for. */
export const MAX_STATS_DAYS = 366;
/** The window when `since` is not given: the last 30 days. */
export const DEFAULT_STATS_DAYS = 30;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What the stats are asked for: whole hours, `since` included, `until` excluded. */
export interface StatsQuery {
  appId: string;
  since: Date;
  until: Date;
  groupBy: StatsGroupBy;
}

/** Counts of one bucket, or of the whole window. */
export interface StatsFigures {
  sent: number;
  delivered: number;
  approved: number;
  failed: number;
  /** Failed SMS by reason (a route refusal, or the status or error code of the receipt). */
  failedByReason: Record<string, number>;
  refused: number;
  /** Refused requests by reason (the limit's name, `destination_blocked`...). */
  refusedByReason: Record<string, number>;
  /** approved ÷ sent; null when nothing was sent. */
  conversion: number | null;
  /** delivered ÷ sent; null when nothing was sent. */
  deliveryRate: number | null;
}

export interface StatsBucket extends StatsFigures {
  /** The country, purpose or route; the hour's start as ISO 8601; null when not recorded. */
  key: string | null;
}

export interface AuditStats {
  since: Date;
  until: Date;
  groupBy: StatsGroupBy;
  /** Buckets that have at least one count, by key (hours in time order). */
  buckets: StatsBucket[];
  total: StatsFigures;
}

/** Reads the stats of one app; the other apps' counts are never read. */
export interface AuditStatsReader {
  stats(query: StatsQuery): Promise<AuditStats>;
}

/** One summed row of the hourly table. */
export interface StatsRow {
  /** '' when the dimension was not recorded; the hour as ISO 8601. */
  key: string;
  metric: string;
  reason: string;
  count: number;
}

/** A parameter that cannot be served, named for the 422 problem. */
export interface StatsParamError {
  path: string;
  message: string;
}

export type ParsedStatsQuery =
  | { ok: true; query: StatsQuery }
  | { ok: false; errors: StatsParamError[] };

/**
 * Checks the raw parameters: ISO 8601 dates, `since` before `until`, at most MAX_STATS_DAYS,
 * a known group. `until` defaults to now and `since` to DEFAULT_STATS_DAYS before `until`. The
 * window is widened to whole hours (`since` down, `until` up), the table's grain.
 */
export function parseStatsQuery(
  appId: string,
  params: { since?: string; until?: string; group_by?: string },
  now: number,
): ParsedStatsQuery {
  const errors: StatsParamError[] = [];
  const date = (path: 'since' | 'until', value: string | undefined): number | null => {
    if (value === undefined) return null;
    // A bare date or a date-time with its offset: no local-time guess on the server's zone.
    const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(
      value,
    )
      ? Date.parse(value)
      : Number.NaN;
    if (Number.isNaN(ms)) {
      errors.push({ path, message: 'must be an ISO 8601 date or date-time with its offset' });
      return null;
    }
    return ms;
  };
  const groupBy = params.group_by ?? 'country';
  if (!(STATS_GROUPS as readonly string[]).includes(groupBy)) {
    errors.push({ path: 'group_by', message: `must be one of ${STATS_GROUPS.join(', ')}` });
  }
  const untilMs = date('until', params.until);
  const sinceMs = date('since', params.since);
  if (errors.length > 0) return { ok: false, errors };
  const until = Math.ceil((untilMs ?? now) / HOUR_MS) * HOUR_MS;
  const since = Math.floor((sinceMs ?? until - DEFAULT_STATS_DAYS * DAY_MS) / HOUR_MS) * HOUR_MS;
  if (since >= until) {
    errors.push({ path: 'since', message: 'must be before until' });
  } else if (until - since > MAX_STATS_DAYS * DAY_MS) {
    errors.push({ path: 'since', message: `the window must not exceed ${MAX_STATS_DAYS} days` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    query: {
      appId,
      since: new Date(since),
      until: new Date(until),
      groupBy: groupBy as StatsGroupBy,
    },
  };
}

interface Counts {
  sent: number;
  delivered: number;
  approved: number;
  failed: Map<string, number>;
  refused: Map<string, number>;
}

/** Sums the table's rows into buckets and a total; rows of an unknown metric are ignored. */
export function foldStats(query: StatsQuery, rows: Iterable<StatsRow>): AuditStats {
  const buckets = new Map<string, Counts>();
  const total = emptyCounts();
  for (const row of rows) {
    let bucket = buckets.get(row.key);
    if (!bucket) {
      bucket = emptyCounts();
      buckets.set(row.key, bucket);
    }
    for (const counts of [bucket, total]) add(counts, row);
  }
  const keys = [...buckets.keys()].sort();
  return {
    since: query.since,
    until: query.until,
    groupBy: query.groupBy,
    buckets: keys.map((key) => ({ key: key === '' ? null : key, ...figures(buckets.get(key)!) })),
    total: figures(total),
  };
}

function emptyCounts(): Counts {
  return { sent: 0, delivered: 0, approved: 0, failed: new Map(), refused: new Map() };
}

function add(counts: Counts, { metric, reason, count }: StatsRow): void {
  // An event recorded without a reason still counts, under a name of its own.
  const why = reason === '' ? 'unspecified' : reason;
  switch (metric) {
    case 'sent':
    case 'delivered':
    case 'approved':
      counts[metric] += count;
      break;
    case 'failed':
    case 'refused':
      counts[metric].set(why, (counts[metric].get(why) ?? 0) + count);
      break;
  }
}

function figures(counts: Counts): StatsFigures {
  const sum = (byReason: Map<string, number>) => [...byReason.values()].reduce((a, b) => a + b, 0);
  const byReason = (map: Map<string, number>) =>
    Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const ratio = (part: number) => (counts.sent === 0 ? null : part / counts.sent);
  return {
    sent: counts.sent,
    delivered: counts.delivered,
    approved: counts.approved,
    failed: sum(counts.failed),
    failedByReason: byReason(counts.failed),
    refused: sum(counts.refused),
    refusedByReason: byReason(counts.refused),
    conversion: ratio(counts.approved),
    deliveryRate: ratio(counts.delivered),
  };
}
