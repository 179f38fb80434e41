import { type VerificationRecord, visibleStatus } from '../verification/index.ts';
import { isWebhookEventType, type WebhookEventType } from './event-types.ts';
import type { EventOfOutbox } from './store.ts';

/** The columns of an audit row a webhook event is made from. */
export interface AuditSource {
  id: string;
  type: string;
  verificationId: string | null;
  purpose: string | null;
  phoneMasked: string | null;
  outcome: string;
  reason: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/**
 * The webhook event an audit row stands for, or null when it stands for none (a wrong code with
 * attempts left). Every field is chosen here, never copied wholesale from the row's detail: a
 * payload holds ids, purpose, status, the masked number and counts, never a code or a clear number.
 */
export function eventOfAudit(
  row: AuditSource,
): { type: WebhookEventType; data: Record<string, unknown> } | null {
  const verification = {
    verification_id: row.verificationId,
    purpose: row.purpose,
    phone_masked: row.phoneMasked,
    audit_event_id: row.id,
  };
  const text = (key: string) => {
    const value = row.detail[key];
    return typeof value === 'string' ? value : null;
  };
  const count = (key: string) => {
    const value = row.detail[key];
    return typeof value === 'number' ? value : null;
  };
  switch (row.type) {
    case 'check.approved':
      return { type: 'verification.approved', data: { ...verification, status: 'approved' } };
    case 'check.wrong':
      return count('attempts_remaining') === 0
        ? {
            type: 'verification.max_attempts',
            data: { ...verification, status: 'max_attempts_reached' },
          }
        : null;
    case 'verification.canceled':
      return { type: 'verification.canceled', data: { ...verification, status: 'canceled' } };
    case 'sms.delivered':
    case 'sms.undelivered':
      return {
        type: row.type,
        data: { ...verification, route: text('route'), reason: row.reason },
      };
    case 'pumping.trip':
      return {
        type: 'pumping.tripped',
        data: {
          ...verification,
          scope: text('scope'),
          country: text('country'),
          reason: row.reason,
          dry_run: row.outcome === 'dry_run',
          sent: count('sent'),
          approved: count('approved'),
          threshold: count('threshold'),
        },
      };
    case 'lead.verified':
      return {
        type: 'lead.verified',
        data: { ...verification, lead_id: text('lead_id'), status: 'verified' },
      };
    default:
      return null;
  }
}

/** Reads a verification (the code store), for the events that depend on its state at a time. */
export type ReadVerification = (appId: string, id: string) => Promise<VerificationRecord | null>;

/**
 * What an outbox entry becomes: a published event as it was given, an audit row as mapped above,
 * and a verification.created row (queued for the code's expiry) verification.expired if the
 * verification is expired now, a look again at its new expiry if it was resent meanwhile, and
 * nothing if it ended otherwise or is gone. The payload's time is the event's.
 */
export function eventOfOutbox(read: ReadVerification): EventOfOutbox {
  return async (entry, now) => {
    const { published, audit } = entry;
    if (published) {
      return isWebhookEventType(published.type)
        ? { type: published.type, data: published.data, at: entry.createdAt }
        : null;
    }
    if (!audit) return null;
    if (audit.type === 'verification.created') {
      const record = audit.verificationId ? await read(entry.appId, audit.verificationId) : null;
      if (!record) return null;
      const status = visibleStatus(record, now.getTime());
      if (status === 'pending') return { later: new Date(record.expiresAt) };
      if (status !== 'expired') return null;
      return {
        type: 'verification.expired',
        data: {
          verification_id: record.id,
          purpose: record.purpose,
          phone_masked: record.phoneMasked,
          audit_event_id: audit.id,
          status: 'expired',
        },
        at: new Date(record.expiresAt),
      };
    }
    const event = eventOfAudit(audit);
    return event && { ...event, at: audit.createdAt };
  };
}
