import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { type AuditSearchDeps, getAuditEvent } from '../audit-search.ts';
import { toAuditEventJson } from '../event-json.ts';
import { AuditEventIdParam, AuditEventSchema } from './audit-schema.ts';

export const getAuditEventOperation = createRoute({
  method: 'get',
  path: '/v1/audit/events/{id}',
  tags: ['Audit'],
  summary: 'Read one audit event',
  description: "One of the app's events; another app's event is a 404 like an unknown one.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: { params: AuditEventIdParam },
  responses: {
    200: {
      description: 'The event.',
      content: { 'application/json': { schema: AuditEventSchema } },
    },
    ...errorResponses(401, 403, 404, 503),
  },
});

export const getAuditEventEndpoint = endpoint(
  getAuditEventOperation,
  (deps: AuditSearchDeps) => async (c) => {
    const record = await getAuditEvent(deps, c.get('principal').app.id, c.req.valid('param').id);
    return c.json(toAuditEventJson(record), 200);
  },
);
