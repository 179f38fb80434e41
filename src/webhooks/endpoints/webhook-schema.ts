import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-text.ts';
import { WEBHOOK_EVENT_TYPES } from '../event-types.ts';
import type { DeliveryRecord, WebhookEndpointRecord } from '../store.ts';

export const WebhookIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'whk_2x4ZTk0OMv1hVqLbXh0Q3w' }),
});

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    created_at: z.string().openapi({ format: 'date-time' }),
    previous_secret_until: z.string().nullable().openapi({
      format: 'date-time',
      description:
        'After a rotation: until when the previous secret still signs beside the new one.',
    }),
  })
  .openapi('WebhookEndpoint');

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({
    description:
      'The Standard Webhooks signing secret (`whsec_` + base64). Shown once: Tessera keeps it sealed and never shows it again.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('WebhookEndpointWithSecret');

export const DeliverySchema = z
  .object({
    id: z.string(),
    message_id: z
      .string()
      .openapi({ description: 'The `webhook-id` header: the same on every attempt.' }),
    event_type: z.enum(WEBHOOK_EVENT_TYPES),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable().openapi({ format: 'date-time' }),
    last_attempt_at: z.string().nullable().openapi({ format: 'date-time' }),
    last_status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The HTTP status of the last attempt, null when none came.' }),
    last_error: z.string().nullable(),
    created_at: z.string().openapi({ format: 'date-time' }),
    delivered_at: z.string().nullable().openapi({ format: 'date-time' }),
    payload: z.string().openapi({ description: 'The exact body sent (JSON text).' }),
  })
  .openapi('WebhookDelivery');

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toEndpointResponse(endpoint: WebhookEndpointRecord) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    created_at: endpoint.createdAt.toISOString(),
    previous_secret_until: iso(endpoint.previousSecretUntil),
  };
}

export function toDeliveryResponse(delivery: DeliveryRecord) {
  return {
    id: delivery.id,
    message_id: delivery.messageId,
    event_type: delivery.eventType as (typeof WEBHOOK_EVENT_TYPES)[number],
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    last_attempt_at: iso(delivery.lastAttemptAt),
    last_status: delivery.lastStatus,
    last_error: delivery.lastError,
    created_at: delivery.createdAt.toISOString(),
    delivered_at: iso(delivery.deliveredAt),
    payload: delivery.payload,
  };
}
