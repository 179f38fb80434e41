import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-text.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../audit-filter.ts';
import { AUDIT_EVENT_TYPES } from '../types.ts';

const query = (name: string, description: string, example?: string) =>
  z
    .string()
    .optional()
    .openapi({ param: { name, in: 'query' }, description, ...(example ? { example } : {}) });

/**
 * The filters of a search, all optional and all strings here: each value is checked by
 * parseAuditSearch, which names the parameter at fault in a 422 `invalid_filter`.
 */
export const AuditFilterQuery = z.object({
  type: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({
      param: { name: 'type', in: 'query', style: 'form', explode: true },
      description: `Event types; repeat the parameter or separate them with commas. One of: ${AUDIT_EVENT_TYPES.join(', ')}.`,
      example: 'check.wrong',
    }),
  outcome: query('outcome', 'Exact outcome (`ok`, `refused`, `failed`, …).', 'refused'),
  reason: query('reason', 'Exact reason (a limit name, a refusal code, …).', 'phone_send_hour'),
  purpose: query('purpose', 'Exact purpose of the verification.', 'login'),
  phone: query(
    'phone',
    'A number in E.164, or national with `country`: matched through its HMAC, never stored.',
    '+33612345678',
  ),
  phone_hmac: query('phone_hmac', 'A `phone_hmac` value, exactly (instead of `phone`).'),
  country: query('country', 'ISO 3166-1 alpha-2 country of a national `phone`.', 'FR'),
  ip: query('ip', 'An end-user address, or a CIDR range.', '203.0.113.0/24'),
  verification_id: query('verification_id', 'One verification.', 'ver_2x4ZTk0OMv1hVqLbXh0Q3w'),
  since: query('since', 'created_at at or after this instant (RFC 3339, or a date).'),
  until: query('until', 'created_at before this instant (RFC 3339, or a date).'),
  order: query('order', '`desc` (newest first, the default) or `asc`.'),
});

export const AuditSearchQuery = AuditFilterQuery.extend({
  limit: query('limit', `Events per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`),
  cursor: query(
    'cursor',
    "The previous page's `next_cursor`; valid only with the same filters and order.",
  ),
});

export const AuditEventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_Xc1kQ9m2RZ0aLbH7u3pN4w' }),
    seq: z.number().int().openapi({ description: 'Place in the hash chain.' }),
    app_id: z.string(),
    type: z.string().openapi({ example: 'sms.sent' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    verification_id: z.string().nullable(),
    purpose: z.string().nullable(),
    phone_masked: z.string().nullable().openapi({ example: '+33 6•• •• •• 78' }),
    phone_hmac: z
      .string()
      .nullable()
      .openapi({ description: "HMAC of the number under the app's own key; a pseudonym." }),
    client_ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    outcome: z.string().openapi({ example: 'ok' }),
    reason: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    prev_hash: z.string(),
    hash: z.string().openapi({ description: 'SHA-256(prev_hash || canonical event), hex.' }),
  })
  .openapi('AuditEvent');

export const AuditEventPageSchema = z
  .object({
    events: z.array(AuditEventSchema),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null after the last row.' }),
  })
  .openapi('AuditEventPage');

export const AuditEventIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'evt_Xc1kQ9m2RZ0aLbH7u3pN4w' }),
});

export const TimelineVerificationIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ver_2x4ZTk0OMv1hVqLbXh0Q3w' }),
});

export const VerificationTimelineSchema = z
  .object({
    verification_id: z.string(),
    events: z.array(AuditEventSchema),
    messages: z.array(
      z
        .object({
          event_id: z.string(),
          outcome: z.enum(['sent', 'failed']),
          at: z.string().openapi({ format: 'date-time' }),
          route: z.string().nullable(),
          provider_message_id: z.string().nullable(),
          segments: z.number().int().nullable(),
          receipt: z
            .object({
              event_id: z.string(),
              delivered: z.boolean(),
              status: z.string().nullable(),
              reason: z.string().nullable(),
              at: z.string().openapi({ format: 'date-time' }),
            })
            .nullable(),
        })
        .openapi('TimelineMessage'),
    ),
  })
  .openapi('VerificationTimeline');
