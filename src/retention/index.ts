export type { RetentionRule, RetentionRules } from './rules.ts';
export { type RetentionDeps, type RetentionReport, runRetention } from './run-retention.ts';
export { RETENTION_INTERVAL_MS } from './schedule.ts';
export type { RetentionInfra } from './wire.ts';
export { schedule, wire } from './wire.ts';
