export type { AuditChainChecker, ChainReport } from './chain-report.ts';
export { checkAuditChain } from './chain-report.ts';
export { auditReportEndpoints } from './endpoints/all.ts';
export type { AuditReportDeps } from './endpoints/endpoint-deps.ts';
export type { Actor, AuditFields } from './events.ts';
export { auditEvent, operatorEvent, systemActor } from './events.ts';
export { auditAppendStatement } from './postgres-writer.ts';
export type {
  AuditStats,
  AuditStatsReader,
  ParsedStatsQuery,
  StatsBucket,
  StatsFigures,
  StatsGroupBy,
  StatsParamError,
  StatsQuery,
} from './stats.ts';
export { MAX_STATS_DAYS, parseStatsQuery, STATS_GROUPS } from './stats.ts';
export type { AuditEvent, AuditEventType, AuditQueries, AuditTrail, AuditWriter } from './types.ts';
export type { AuditInfra, AuditModule } from './wire.ts';
export { wire } from './wire.ts';
