export type { Actor, AuditActor, AuditFields } from './events.ts';
export { auditEvent, operatorEvent, systemActor } from './events.ts';
export { auditAppendStatement } from './postgres-writer.ts';
export type { AuditEvent, AuditEventType, AuditQueries, AuditTrail, AuditWriter } from './types.ts';
export type { AuditInfra, AuditModule } from './wire.ts';
export { wire } from './wire.ts';
