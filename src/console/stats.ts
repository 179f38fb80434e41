/**
 * The stats the console charts, within one app. wire.ts picks the implementation (sql-stats.ts
 * until the audit module offers its own).
 */
export interface ConsoleStats {
  /** Counts per bucket over [since, until). */
  stats(appId: string, range: StatsRange): Promise<StatsBucket[]>;
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
