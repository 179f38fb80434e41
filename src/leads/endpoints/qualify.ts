import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { LeadsDeps } from '../deps.ts';
import { LEAD_STAGES } from '../lead.ts';
import { leadView } from '../lead-view.ts';
import { qualifyLead } from '../qualify-lead.ts';
import { BantSchema, LeadIdParam, LeadSchema } from './lead-schema.ts';

const QualifyBody = z
  .object({
    stage: z.enum(LEAD_STAGES),
    bant: BantSchema.prefault({}),
    score: z.number().int().min(0).max(100).nullable().default(null),
    note: z.string().max(2000).nullable().default(null),
  })
  .strict()
  .openapi('QualifyLead');

export const qualifyLeadOperation = createRoute({
  method: 'post',
  path: '/v1/leads/{id}/qualification',
  tags: ['Leads'],
  summary: 'Qualify a lead',
  description:
    'Appends a qualification (stage, BANT, score 0-100, note) and makes it the current one; earlier ones stay in the history.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    params: LeadIdParam,
    body: { required: true, content: { 'application/json': { schema: QualifyBody } } },
  },
  responses: {
    200: {
      description: 'The lead with its new qualification.',
      content: { 'application/json': { schema: LeadSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const qualifyLeadEndpoint = endpoint(
  qualifyLeadOperation,
  (deps: LeadsDeps) => async (c) => {
    const body = c.req.valid('json');
    const lead = await qualifyLead(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c) },
      id: c.req.valid('param').id,
      stage: body.stage,
      bant: body.bant,
      score: body.score,
      note: body.note,
    });
    return c.json(leadView(lead, deps.clock.now(), await deps.consentOf(lead)), 200);
  },
);
