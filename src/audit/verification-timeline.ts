import type { AuditRecord } from './postgres-writer.ts';

/** One SMS of a verification: where it left, the provider's id for it and what came back. */
export interface TimelineMessage {
  /** The `sms.sent` or `sms.failed` event. */
  eventId: string;
  outcome: 'sent' | 'failed';
  at: Date;
  route: string | null;
  providerMessageId: string | null;
  segments: number | null;
  /** The delivery receipt (`sms.delivered` / `sms.undelivered`), or null while none came. */
  receipt: {
    eventId: string;
    delivered: boolean;
    status: string | null;
    /** The provider's error code, when it gave one, for an undelivered message. */
    reason: string | null;
    at: Date;
  } | null;
}

export interface VerificationTimeline {
  verificationId: string;
  /** Every event of the verification, oldest first. */
  events: AuditRecord[];
  /** Its SMS, oldest first, each with its receipt. */
  messages: TimelineMessage[];
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The SMS of a verification out of its events: each `sms.sent` / `sms.failed` row (whose detail
 * records the route and the provider's message id) with the receipt that names the same route
 * and provider message id.
 */
export function buildTimeline(verificationId: string, events: AuditRecord[]): VerificationTimeline {
  const messages: TimelineMessage[] = [];
  const byProviderId = new Map<string, TimelineMessage>();
  for (const event of events) {
    if (event.type === 'sms.sent' || event.type === 'sms.failed') {
      const message: TimelineMessage = {
        eventId: event.id,
        outcome: event.type === 'sms.sent' ? 'sent' : 'failed',
        at: event.createdAt,
        route: text(event.detail.route),
        providerMessageId: text(event.detail.provider_message_id),
        segments: typeof event.detail.segments === 'number' ? event.detail.segments : null,
        receipt: null,
      };
      messages.push(message);
      if (message.providerMessageId !== null) {
        byProviderId.set(`${message.route}\n${message.providerMessageId}`, message);
      }
    } else if (event.type === 'sms.delivered' || event.type === 'sms.undelivered') {
      const key = `${text(event.detail.route)}\n${text(event.detail.provider_message_id)}`;
      const message = byProviderId.get(key);
      // A receipt for a message sent before this verification's oldest row cannot happen (the
      // send is written first); one that matches nothing is still in `events`.
      if (message) {
        message.receipt = {
          eventId: event.id,
          delivered: event.type === 'sms.delivered',
          status: text(event.detail.status),
          reason: event.reason,
          at: event.createdAt,
        };
      }
    }
  }
  return { verificationId, events, messages };
}
