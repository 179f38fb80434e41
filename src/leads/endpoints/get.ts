import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { LeadsDeps } from '../deps.ts';
import { leadView } from '../lead-view.ts';
import { readLead } from '../read-lead.ts';
import { LeadIdParam, LeadSchema, QualificationSchema } from './lead-schema.ts';

const LeadWithHistorySchema = LeadSchema.extend({
  qualification_history: z.array(
    QualificationSchema.omit({ updated_at: true }).extend({
      at: z.string().openapi({ format: 'date-time' }),
    }),
  ),
}).openapi('LeadDetail');

export const getLeadOperation = createRoute({
  method: 'get',
  path: '/v1/leads/{id}',
  tags: ['Leads'],
  summary: 'Read a lead',
  description:
    'Status, masked number, consent, current qualification and its history, and signals: codes sent, attempts, seconds from the first send to the verification.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { params: LeadIdParam },
  responses: {
    200: {
      description: 'The lead.',
      content: { 'application/json': { schema: LeadWithHistorySchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const getLeadEndpoint = endpoint(getLeadOperation, (deps: LeadsDeps) => async (c) => {
  const { lead, history } = await readLead(deps, {
    appId: c.get('principal').app.id,
    id: c.req.valid('param').id,
  });
  return c.json(
    {
      ...leadView(lead, deps.clock.now(), await deps.consentOf(lead)),
      qualification_history: history.map((q) => ({
        stage: q.stage,
        bant: q.bant,
        score: q.score,
        note: q.note,
        at: q.at.toISOString(),
      })),
    },
    200,
  );
});
