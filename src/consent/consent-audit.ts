import { type AuditActor, auditEvent } from '../audit/index.ts';
import type { ConsentRecord } from './record.ts';

/** The audit row of a consent record: masked number and HMAC, never the text itself. */
export function consentEvent(actor: AuditActor, record: ConsentRecord) {
  return auditEvent(
    actor,
    `consent.${record.action}`,
    {
      phone: { masked: record.phoneMasked, hmac: record.phoneHmac },
      purpose: 'lead',
      outcome: record.action === 'blocked' ? 'refused' : 'ok',
      reason: record.action === 'blocked' ? 'opposed' : record.reason,
      detail: {
        consent_id: record.id,
        lead_id: record.leadId,
        method: record.method,
        version: record.version,
        text_sha256: record.textSha256,
        route: record.route,
      },
    },
    record.createdAt.getTime(),
  );
}
