import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { runIdempotently } from '../../http/idempotency/idempotent.ts';
import { jsonValueDepthAtMost } from '../../http/json-depth.ts';
import { withRefusalFloor } from '../../http/refusal-floor.ts';
import { requireScope } from '../../http/require-scope.ts';
import { jsonTextProblem, safeText } from '../../http/safe-text.ts';
import {
  IdempotencyHeader,
  LOCALES,
  toVerificationResponse,
  VerificationSchema,
} from '../../verification/index.ts';
import { parseConsentRequest } from '../consent-request.ts';
import { createLead } from '../create-lead.ts';
import type { LeadsDeps } from '../deps.ts';
import { leadView } from '../lead-view.ts';
import { LeadSchema } from './lead-schema.ts';

const ATTRIBUTES_DEPTH = 4;
const label = () => safeText().min(1).max(100);

const MarketingConsentBody = z
  .object({
    granted: z.unknown().optional().openapi({
      type: 'boolean',
      description:
        'Only the JSON value `true` is consent. Missing, null or false: no consent. Any other value (`"true"`, `1`) is refused with 422 `invalid_consent`.',
    }),
    text: z.string().min(1).max(2000).optional().openapi({
      description: 'The exact text the person was shown; its SHA-256 is kept with the consent.',
    }),
    version: safeText().min(1).max(64).optional(),
    re_opt_in: z.boolean().optional().openapi({
      description:
        'The form asks a number that sent STOP to opt in again; without it, such a number stays opted out (README, Consent).',
    }),
  })
  .strict()
  .openapi('MarketingConsent');

const CreateLeadBody = z
  .object({
    phone: z.string().min(1).max(32).openapi({ example: '+33612345678' }),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .optional(),
    source: label().optional().openapi({ example: 'landing-ebook' }),
    form: label().optional().openapi({ example: 'ebook-download' }),
    lead_ref: label().optional().openapi({ example: 'crm-123' }),
    locale: z.enum(LOCALES).default('en'),
    marketing_consent: MarketingConsentBody.nullable().optional(),
    attributes: z
      .record(z.string(), z.unknown())
      .refine((m) => jsonValueDepthAtMost(m, ATTRIBUTES_DEPTH), {
        message: `must nest at most ${ATTRIBUTES_DEPTH} levels`,
        abort: true,
      })
      .refine((m) => JSON.stringify(m).length <= 4096, 'must be at most 4 KiB of JSON')
      .superRefine((m, ctx) => {
        const problem = jsonTextProblem(m);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default({}),
    link_recent_verification: z.boolean().default(true).openapi({
      description:
        'Where the app links recent verifications (setting leads.linkVerifiedWithinSeconds), false still sends a code.',
    }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('CreateLead');

const CreatedLeadSchema = LeadSchema.extend({
  verification: VerificationSchema.nullable().openapi({
    description: 'Its code is checked with POST /v1/verify/{id}/check; null when the lead links.',
  }),
}).openapi('CreatedLead');

export const createLeadOperation = createRoute({
  method: 'post',
  path: '/v1/leads',
  tags: ['Leads'],
  summary: 'Create a lead and send its code',
  description:
    'Starts a `lead` verification of the number; the right code (the ordinary `POST /v1/verify/{id}/check`) makes the lead `verified` and, where `marketing_consent.granted` is `true`, records the consent. Idempotency-Key as on `POST /v1/verify`.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { 'application/json': { schema: CreateLeadBody } } },
  },
  responses: {
    201: {
      description: 'The lead, and the verification whose code was sent.',
      content: { 'application/json': { schema: CreatedLeadSchema } },
    },
    ...errorResponses(400, 401, 403, 409, 422, 429, 503),
  },
});

export const createLeadEndpoint = endpoint(createLeadOperation, (deps: LeadsDeps) => async (c) => {
  const body = c.req.valid('json');
  const actor = { app: c.get('principal').app, client: endUserAddress(c, body.client) };
  const consent = parseConsentRequest(body.marketing_consent);
  const response = await runIdempotently(c, deps.verification, body, () =>
    withRefusalFloor(deps.verification.refusalFloorMs, async () => {
      const { lead, verification } = await createLead(deps, {
        actor,
        phone: body.phone,
        country: body.country,
        source: body.source ?? null,
        form: body.form ?? null,
        leadRef: body.lead_ref ?? null,
        attributes: body.attributes,
        consent,
        locale: body.locale,
        linkRecent: body.link_recent_verification,
      });
      const now = deps.clock.now();
      return {
        ...leadView(lead, now, await deps.consentOf(lead)),
        verification: verification && toVerificationResponse(verification, now, actor.app),
      };
    }),
  );
  return c.json(response, 201);
});
