import { z } from '@hono/zod-openapi';
import type { VerificationRecord, VerificationStatus } from '../verification/index.ts';
import { accountSid, verificationSid } from './sids.ts';

const StatusSchema = z
  .enum(['pending', 'approved', 'canceled', 'expired', 'max_attempts_reached'])
  .openapi('TwilioVerificationStatus');

const common = {
  sid: z.string().openapi({ example: 'VE3fa0e5bb4f8f9f0e6c3c8d6a0b1c2d3e' }),
  service_sid: z.string(),
  account_sid: z.string(),
  to: z.string().openapi({ description: 'The masked number.', example: '+33 6•• •• •• 78' }),
  channel: z.literal('sms'),
  status: StatusSchema,
  valid: z.boolean(),
  amount: z.null(),
  payee: z.null(),
  date_created: z.string().openapi({ format: 'date-time' }),
  date_updated: z.string().openapi({ format: 'date-time' }),
};

export const TwilioVerificationSchema = z
  .object({
    ...common,
    lookup: z.object({}),
    send_code_attempts: z.array(
      z.object({
        channel: z.literal('sms'),
        time: z.string().nullable().openapi({
          description: 'Known for the first and the latest send only; null in between.',
        }),
      }),
    ),
    sna: z.null().openapi({ description: 'Always null: there is no silent network auth.' }),
    url: z.string(),
  })
  .openapi('TwilioVerification');

export const TwilioVerificationCheckSchema = z
  .object({
    ...common,
    sna_attempts_error_codes: z
      .array(z.record(z.string(), z.unknown()))
      .openapi({ description: 'Always empty: there is no silent network auth.' }),
  })
  .openapi('TwilioVerificationCheck');

/** What a resource says besides its verification: the path it was asked through. */
export interface ResourceContext {
  serviceSid: string;
  /** The request's origin, for `url`. */
  origin: string;
  now: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function commonFields(
  record: VerificationRecord,
  status: VerificationStatus,
  context: ResourceContext,
) {
  return {
    sid: verificationSid(record.id),
    service_sid: context.serviceSid,
    account_sid: accountSid(record.appId),
    to: record.phoneMasked,
    channel: record.channel,
    status,
    valid: status === 'approved',
    amount: null,
    payee: null,
    date_created: iso(record.createdAt),
    // The record keeps no time of a cancellation: the latest send or approval stands in.
    date_updated: iso(Math.max(record.lastSentAt, record.approvedAt ?? 0)),
  };
}

export function toTwilioVerification(
  record: VerificationRecord,
  status: VerificationStatus,
  context: ResourceContext,
): z.infer<typeof TwilioVerificationSchema> {
  const sid = verificationSid(record.id);
  return {
    ...commonFields(record, status, context),
    lookup: {},
    send_code_attempts: Array.from({ length: record.sendCount }, (_, i) => ({
      channel: 'sms' as const,
      time:
        i === 0
          ? iso(record.createdAt)
          : i === record.sendCount - 1
            ? iso(record.lastSentAt)
            : null,
    })),
    sna: null,
    url: `${context.origin}/v2/Services/${context.serviceSid}/Verifications/${sid}`,
  };
}

export function toTwilioVerificationCheck(
  record: VerificationRecord,
  status: VerificationStatus,
  context: ResourceContext,
): z.infer<typeof TwilioVerificationCheckSchema> {
  return { ...commonFields(record, status, context), sna_attempts_error_codes: [] };
}
