import { z } from '@hono/zod-openapi';
import type { AppRecord } from '../../access/index.ts';
import { safeText } from '../../http/safe-text.ts';
import { parseAppSettings } from '../../kernel/app-settings.ts';
import {
  attemptsRemaining,
  resendAvailableAt,
  type VerificationRecord,
  visibleStatus,
} from '../record.ts';

export const VerificationStatusSchema = z
  .enum(['pending', 'approved', 'canceled', 'expired', 'max_attempts_reached'])
  .openapi('VerificationStatus');

export const VerificationSchema = z
  .object({
    id: z.string().openapi({ example: 'ver_2x4ZTk0OMv1hVqLbXh0Q3w' }),
    status: VerificationStatusSchema,
    to: z.string().openapi({ description: 'The masked number.', example: '+33 6•• •• •• 78' }),
    channel: z.literal('sms'),
    purpose: z.string().openapi({ example: 'login' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    expires_at: z.string().openapi({ format: 'date-time' }),
    resend_available_at: z.string().openapi({ format: 'date-time' }),
    attempts_remaining: z.number().int(),
    send_count: z.number().int(),
    delivery: z.object({
      status: z.enum(['queued', 'sent', 'failed', 'delivered']),
      route: z.string().nullable(),
    }),
  })
  .openapi('Verification');

export const VerificationIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ver_2x4ZTk0OMv1hVqLbXh0Q3w' }),
});

/** The verification as the API shows it; `app` gives the resend cooldown in force for it. */
export function toVerificationResponse(
  record: VerificationRecord,
  now: number,
  app: AppRecord,
): z.infer<typeof VerificationSchema> {
  return {
    id: record.id,
    status: visibleStatus(record, now),
    to: record.phoneMasked,
    channel: record.channel,
    purpose: record.purpose,
    created_at: new Date(record.createdAt).toISOString(),
    expires_at: new Date(record.expiresAt).toISOString(),
    resend_available_at: new Date(
      resendAvailableAt(record, parseAppSettings(app.settings).limits.resendCooldownSeconds * 1000),
    ).toISOString(),
    attempts_remaining: attemptsRemaining(record),
    send_count: record.sendCount,
    delivery: { status: record.deliveryStatus, route: record.deliveryRoute },
  };
}

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description:
        'Same key and body within 24 h: the first response is replayed and nothing is sent again.',
      example: 'signup-7f3c2a',
    }),
});
