import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { LeadsDeps } from '../deps.ts';
import { leadView } from '../lead-view.ts';
import { LIST_LIMIT, listLeads } from '../list-leads.ts';
import { LeadFilterQuery, toFilters } from './filters.ts';
import { LeadSchema } from './lead-schema.ts';

const ListQuery = LeadFilterQuery.extend({
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description: 'next_cursor of the previous page.',
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIST_LIMIT.max)
    .default(LIST_LIMIT.default)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

const LeadPageSchema = z
  .object({ leads: z.array(LeadSchema), next_cursor: z.string().nullable() })
  .openapi('LeadPage');

export const listLeadsOperation = createRoute({
  method: 'get',
  path: '/v1/leads',
  tags: ['Leads'],
  summary: 'List leads',
  description:
    'Newest first. `next_cursor` continues the same list; it is signed and only valid with the same filters.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { query: ListQuery },
  responses: {
    200: { description: 'One page.', content: { 'application/json': { schema: LeadPageSchema } } },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

export const listLeadsEndpoint = endpoint(listLeadsOperation, (deps: LeadsDeps) => async (c) => {
  const query = c.req.valid('query');
  const page = await listLeads(deps, {
    appId: c.get('principal').app.id,
    filters: toFilters(query),
    cursor: query.cursor,
    limit: query.limit,
  });
  const now = deps.clock.now();
  const consents = await deps.consentsOf(page.leads);
  const leads = page.leads.map((lead, i) => leadView(lead, now, consents[i] ?? null));
  return c.json({ leads, next_cursor: page.nextCursor }, 200);
});
