/** The events an app can subscribe an endpoint to (README, Events (webhooks)). */
export const WEBHOOK_EVENT_TYPES = [
  'verification.approved',
  'verification.expired',
  'verification.max_attempts',
  'verification.canceled',
  'sms.delivered',
  'sms.undelivered',
  'pumping.tripped',
  'lead.verified',
  'signature.signed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** One event as it is queued: its Standard Webhooks message id, type, time and data. */
export interface WebhookEvent {
  messageId: string;
  appId: string;
  type: WebhookEventType;
  at: Date;
  /** What the payload's `data` holds: ids, purpose, status, a masked number; never a code. */
  data: Record<string, unknown>;
}

/**
 * The body every endpoint receives, in the Standard Webhooks payload shape
 * (`type`, `timestamp`, `data`), serialised once so that every attempt sends the same bytes.
 */
export function webhookPayload(event: WebhookEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.at.toISOString(), data: event.data });
}
