import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-text.ts';
import { LEAD_STAGES, LEAD_STATUSES } from '../lead.ts';

export const LeadIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'lead_2x4ZTk0OMv1hVqLbXh0Q3w' }),
});

const bantField = safeText().max(200).nullable().default(null);
/** Budget, authority, need, timeline: the sales team's own words, each optional. */
export const BantSchema = z
  .object({ budget: bantField, authority: bantField, need: bantField, timeline: bantField })
  .strict()
  .openapi('Bant');

export const QualificationSchema = z
  .object({
    stage: z.enum(LEAD_STAGES),
    bant: BantSchema,
    score: z.number().int().nullable(),
    note: z.string().nullable(),
    updated_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('LeadQualification');

export const LeadConsentSchema = z
  .object({
    granted: z.boolean(),
    at: z.string().nullable().openapi({ format: 'date-time' }),
    text_sha256: z.string(),
    version: z.string(),
    withdrawn_at: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('LeadConsent');

export const LeadSchema = z
  .object({
    id: z.string().openapi({ example: 'lead_2x4ZTk0OMv1hVqLbXh0Q3w' }),
    status: z.enum(LEAD_STATUSES),
    unverified_reason: z.string().nullable().openapi({ example: 'expired' }),
    phone: z.string().openapi({ description: 'The masked number.', example: '+33 6•• •• •• 78' }),
    country: z.string(),
    source: z.string().nullable(),
    form: z.string().nullable(),
    lead_ref: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    created_at: z.string().openapi({ format: 'date-time' }),
    verified_at: z.string().nullable().openapi({ format: 'date-time' }),
    linked_lead_id: z.string().nullable().openapi({
      description: 'The earlier verified lead of this number this one links to (no code sent).',
    }),
    consent: LeadConsentSchema.nullable(),
    qualification: QualificationSchema.nullable(),
    signals: z.object({
      sends: z.number().int(),
      attempts: z.number().int(),
      seconds_to_verify: z.number().int().nullable(),
    }),
  })
  .openapi('Lead');
