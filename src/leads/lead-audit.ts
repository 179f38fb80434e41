import type { AuditActor, AuditEvent, AuditEventType } from '../audit/index.ts';
import { auditEvent } from '../audit/index.ts';
import type { LeadRecord } from './lead.ts';

type LeadEventType = Extract<AuditEventType, `lead.${string}`>;

/** A lead's audit row: its masked number and HMAC, purpose `lead`, the lead and verification ids. */
export function leadEvent(
  actor: AuditActor,
  type: LeadEventType,
  lead: LeadRecord,
  fields: { outcome?: string; reason?: string | null; detail?: Record<string, unknown> },
  now: number,
): AuditEvent {
  const event = auditEvent(
    actor,
    type,
    {
      phone: { masked: lead.phoneMasked, hmac: lead.phoneHmac },
      purpose: 'lead',
      outcome: fields.outcome ?? 'ok',
      reason: fields.reason ?? null,
      detail: { lead_id: lead.id, ...fields.detail },
    },
    now,
  );
  return { ...event, verificationId: lead.verificationId };
}
