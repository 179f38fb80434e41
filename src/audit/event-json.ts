import type { AuditRecord } from './postgres-writer.ts';
import type { TimelineMessage, VerificationTimeline } from './verification-timeline.ts';

/**
 * An audit row as the API, the export and the console show it: the audit_events columns under
 * their own names. `phone_hmac` is shown: it is a pseudonym under the app's own key (README,
 * Threat model), which lets a security team join one number's rows without ever seeing it; the
 * clear number is nowhere. `seq`, `prev_hash` and `hash` let a reader check the chain itself.
 */
export interface AuditEventJson {
  id: string;
  seq: number;
  app_id: string;
  type: string;
  created_at: string;
  verification_id: string | null;
  purpose: string | null;
  phone_masked: string | null;
  phone_hmac: string | null;
  client_ip: string | null;
  user_agent: string | null;
  outcome: string;
  reason: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export function toAuditEventJson(record: AuditRecord): AuditEventJson {
  return {
    id: record.id,
    seq: record.seq,
    app_id: record.appId,
    type: record.type,
    created_at: record.createdAt.toISOString(),
    verification_id: record.verificationId,
    purpose: record.purpose,
    phone_masked: record.phoneMasked,
    phone_hmac: record.phoneHmac,
    client_ip: record.clientIp,
    user_agent: record.userAgent,
    outcome: record.outcome,
    reason: record.reason,
    detail: record.detail,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

export interface TimelineMessageJson {
  event_id: string;
  outcome: TimelineMessage['outcome'];
  at: string;
  route: string | null;
  provider_message_id: string | null;
  segments: number | null;
  receipt: {
    event_id: string;
    delivered: boolean;
    status: string | null;
    reason: string | null;
    at: string;
  } | null;
}

export interface VerificationTimelineJson {
  verification_id: string;
  events: AuditEventJson[];
  messages: TimelineMessageJson[];
}

export function toTimelineJson(timeline: VerificationTimeline): VerificationTimelineJson {
  return {
    verification_id: timeline.verificationId,
    events: timeline.events.map(toAuditEventJson),
    messages: timeline.messages.map((message) => ({
      event_id: message.eventId,
      outcome: message.outcome,
      at: message.at.toISOString(),
      route: message.route,
      provider_message_id: message.providerMessageId,
      segments: message.segments,
      receipt: message.receipt && {
        event_id: message.receipt.eventId,
        delivered: message.receipt.delivered,
        status: message.receipt.status,
        reason: message.receipt.reason,
        at: message.receipt.at.toISOString(),
      },
    })),
  };
}
