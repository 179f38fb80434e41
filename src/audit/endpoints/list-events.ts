import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { type AuditSearchDeps, searchAuditEvents } from '../audit-search.ts';
import { toAuditEventJson } from '../event-json.ts';
import { AuditEventPageSchema, AuditSearchQuery } from './audit-schema.ts';

export const listAuditEventsOperation = createRoute({
  method: 'get',
  path: '/v1/audit/events',
  tags: ['Audit'],
  summary: "Search the app's audit trail",
  description:
    "One page of the app's audit events, newest first unless `order=asc`. Pages follow with `cursor`, which stays exact while rows are appended: no event is skipped or repeated. A wrong filter is a 422 `invalid_filter` naming it in `field`.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: { query: AuditSearchQuery },
  responses: {
    200: {
      description: 'A page of events.',
      content: { 'application/json': { schema: AuditEventPageSchema } },
    },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

export const listAuditEventsEndpoint = endpoint(
  listAuditEventsOperation,
  (deps: AuditSearchDeps) => async (c) => {
    const page = await searchAuditEvents(deps, c.get('principal').app.id, c.req.valid('query'));
    return c.json({ events: page.events.map(toAuditEventJson), next_cursor: page.nextCursor }, 200);
  },
);
