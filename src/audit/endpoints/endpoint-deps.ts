import type { Clock } from '../../kernel/clock.ts';
import type { AuditSearchDeps } from '../audit-search.ts';
import type { AuditChainChecker } from '../chain-report.ts';
import type { AuditStatsReader } from '../stats.ts';
import type { AuditTrail } from '../types.ts';
import type { AuditLog } from '../wire.ts';

/** What the stats and verify endpoints are given (the audit module's readers and the clock). */
export interface AuditReportDeps {
  clock: Clock;
  stats: AuditStatsReader;
  chain: AuditChainChecker;
  /** Where an export's own row is written. */
  trail: Pick<AuditTrail, 'commitOrSpool'>;
  /** GET /v1/audit/verify recomputes the app's Merkle log against its newest checkpoint. */
  log: Pick<AuditLog, 'checkpointer' | 'signer' | 'database'>;
}

/** What every /v1/audit endpoint is given: the search's deps and the reports'. */
export type AuditEndpointDeps = AuditSearchDeps & AuditReportDeps;
