import { z } from '@hono/zod-openapi';
import type { readConsent } from '../read-consent.ts';

export const ConsentRecordSchema = z
  .object({
    action: z.enum(['granted', 'withdrawn', 'blocked']),
    at: z.string().openapi({ format: 'date-time' }),
    method: z.enum(['web_form_sms_code', 'api', 'sms_reply']),
    lead_id: z.string().nullable(),
    text: z.string().nullable().openapi({ description: 'The exact text shown.' }),
    text_sha256: z.string().nullable(),
    version: z.string().nullable(),
    client_ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    route: z.string().nullable().openapi({ description: 'The SMS route a STOP came in on.' }),
    reason: z.string().nullable(),
  })
  .openapi('ConsentRecord');

export const ConsentStateSchema = z
  .object({
    phone: z.string().openapi({ description: 'The masked number.' }),
    state: z.enum(['granted', 'withdrawn', 'none']),
    since: z.string().nullable().openapi({ format: 'date-time' }),
    opposed: z.boolean().openapi({
      description:
        'On the opposition list: a new consent is recorded as `blocked` unless the person opts in again explicitly.',
    }),
    history: z.array(ConsentRecordSchema),
  })
  .openapi('ConsentState');

export function toConsentResponse(
  phoneMasked: string,
  consent: Awaited<ReturnType<typeof readConsent>>,
): z.infer<typeof ConsentStateSchema> {
  return {
    phone: phoneMasked,
    state: consent.state,
    since: consent.since?.toISOString() ?? null,
    opposed: consent.opposedSince !== null,
    history: consent.history.map((r) => ({
      action: r.action,
      at: r.createdAt.toISOString(),
      method: r.method,
      lead_id: r.leadId,
      text: r.text,
      text_sha256: r.textSha256,
      version: r.version,
      client_ip: r.clientIp,
      user_agent: r.userAgent,
      route: r.route,
      reason: r.reason,
    })),
  };
}
