export type { AuditCursorCodec } from './audit-cursor.ts';
export type { AuditExport } from './audit-export.ts';
export { auditExportedEvent, exportAuditEvents } from './audit-export.ts';
export type { AuditFilter, AuditOrder, AuditSearchInput } from './audit-filter.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './audit-filter.ts';
export type { AuditPage, AuditSearchDeps, AuditSearchStore } from './audit-search.ts';
export {
  getAuditEvent,
  searchAuditEvents,
  verificationTimeline,
} from './audit-search.ts';
export type { AuditChainChecker, ChainReport } from './chain-report.ts';
export { checkAuditChain } from './chain-report.ts';
export type { LogVerification, StoredCheckpoint } from './checkpoints.ts';
export { verifyAppLog } from './checkpoints.ts';
export { auditEndpoints } from './endpoints/all.ts';
export type { AuditEndpointDeps } from './endpoints/endpoint-deps.ts';
export { auditLogEndpoints } from './endpoints/log-endpoints.ts';
export type { AuditEventJson, VerificationTimelineJson } from './event-json.ts';
export { toAuditEventJson, toTimelineJson } from './event-json.ts';
export type { Actor, AuditActor, AuditFields } from './events.ts';
export { auditEvent, operatorEvent, systemActor } from './events.ts';
export type { ExportFormat, ExportTrailer } from './export-format.ts';
export { CSV_COLUMNS, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, exportBody } from './export-format.ts';
export type { ExportLine } from './export-line.ts';
export { EVENT_COLUMNS, exportLine, leafHashOf } from './export-line.ts';
export { pickCheckpointNote, verifyExport, verifyProof } from './offline-verify.ts';
export type { AuditRecord } from './postgres-writer.ts';
export { auditAppendStatement, fromRow as auditRecordOf } from './postgres-writer.ts';
export type { Checkpoint, NoteVerifier } from './signed-note.ts';
export { openCheckpoint, parseVerifierKey, verifierKeyString } from './signed-note.ts';
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
export { AUDIT_EVENT_TYPES } from './types.ts';
export type { TimelineMessage, VerificationTimeline } from './verification-timeline.ts';
export type { AuditInfra, AuditLog, AuditModule } from './wire.ts';
export { auditLogSigner, wire } from './wire.ts';
