/**
 * The stats the console charts, within one app: the shape of the audit module's stats reader, so
 * wire.ts can hand that over as it is once it exists (sql-stats.ts stands in until then).
 */
export interface ConsoleStats {
  /** Counts per bucket over [since, until). */
  stats(query: StatsQuery): Promise<{ buckets: StatsBucket[] }>;
}

export const GROUP_BYS = ['hour', 'country', 'purpose', 'route'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface StatsQuery {
  appId: string;
  since: Date;
  until: Date;
  groupBy: GroupBy;
}

export interface StatsBucket {
  /** The hour's start (ISO 8601), country, purpose or SMS route; null when not recorded. */
  key: string | null;
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
