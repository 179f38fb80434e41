export type { AuditCursorCodec } from './audit-cursor.ts';
export type { AuditFilter, AuditOrder, AuditSearchInput } from './audit-filter.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './audit-filter.ts';
export type { AuditPage, AuditSearchDeps, AuditSearchStore } from './audit-search.ts';
export {
  getAuditEvent,
  searchAuditEvents,
  verificationTimeline,
} from './audit-search.ts';
export { auditEndpoints } from './endpoints/all.ts';
export type { AuditEventJson, VerificationTimelineJson } from './event-json.ts';
export { toAuditEventJson, toTimelineJson } from './event-json.ts';
export type { Actor, AuditFields } from './events.ts';
export { auditEvent, operatorEvent, systemActor } from './events.ts';
export type { AuditRecord } from './postgres-writer.ts';
export { auditAppendStatement } from './postgres-writer.ts';
export type { AuditEvent, AuditEventType, AuditQueries, AuditTrail, AuditWriter } from './types.ts';
export { AUDIT_EVENT_TYPES } from './types.ts';
export type { TimelineMessage, VerificationTimeline } from './verification-timeline.ts';
export type { AuditInfra, AuditModule } from './wire.ts';
export { wire } from './wire.ts';
