export type { Actor, AuditFields } from './events.ts';
export { auditEvent, operatorEvent, systemActor } from './events.ts';
export {
  auditAppendStatement,
  createPostgresAuditQueries,
  createPostgresAuditWriter,
} from './postgres-writer.ts';
export { createSpoolFile } from './spool-file.ts';
export { createAuditTrail } from './trail.ts';
export type { AuditEvent, AuditEventType, AuditQueries, AuditTrail, AuditWriter } from './types.ts';
