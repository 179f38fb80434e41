import type { Clock } from '../../kernel/clock.ts';
import type { AuditChainChecker } from '../chain-report.ts';
import type { AuditStatsReader } from '../stats.ts';

/** What the stats and chain endpoints are given (the audit module's readers and the clock). */
export interface AuditReportDeps {
  clock: Clock;
  stats: AuditStatsReader;
  chain: AuditChainChecker;
}
