import type { Clock } from '../../kernel/clock.ts';
import type { AuditSearchDeps } from '../audit-search.ts';
import type { AuditChainChecker } from '../chain-report.ts';
import type { AuditStatsReader } from '../stats.ts';

/** What the stats and chain endpoints are given (the audit module's readers and the clock). */
export interface AuditReportDeps {
  clock: Clock;
  stats: AuditStatsReader;
  chain: AuditChainChecker;
}

/** What every /v1/audit endpoint is given: the search's deps and the reports'. */
export type AuditEndpointDeps = AuditSearchDeps & AuditReportDeps;
