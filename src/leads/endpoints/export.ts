import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { LeadsDeps } from '../deps.ts';
import { exportLeads } from '../export-leads.ts';
import { LeadFilterQuery, toFilters } from './filters.ts';

const ExportQuery = LeadFilterQuery.extend({
  format: z
    .enum(['csv', 'ndjson'])
    .default('csv')
    .openapi({ param: { name: 'format', in: 'query' } }),
});

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

export const exportLeadsOperation = createRoute({
  method: 'get',
  path: '/v1/leads/export',
  tags: ['Leads'],
  summary: 'Export leads',
  description:
    "Every lead matching the filters, newest first, streamed: CSV (cells a spreadsheet would run as a formula are prefixed with `'`) or NDJSON (one lead per line, as GET /v1/leads/{id} shows it, without history). Consent is not in the export (`consent` is null): read it per number with GET /v1/consents, which shows its proof.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { query: ExportQuery },
  responses: {
    200: {
      description: 'The export.',
      content: {
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
      },
    },
    ...errorResponses(400, 401, 403, 503),
  },
});

export const exportLeadsEndpoint = endpoint(
  exportLeadsOperation,
  (deps: LeadsDeps) => async (c) => {
    const query = c.req.valid('query');
    const stream = exportLeads(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c) },
      filters: toFilters(query),
      format: query.format,
    });
    return c.body(stream, 200, {
      'content-type': CONTENT_TYPES[query.format],
      'content-disposition': `attachment; filename="leads.${query.format}"`,
    });
  },
);
