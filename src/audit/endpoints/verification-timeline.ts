import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { type AuditSearchDeps, verificationTimeline } from '../audit-search.ts';
import { toTimelineJson } from '../event-json.ts';
import { TimelineVerificationIdParam, VerificationTimelineSchema } from './audit-schema.ts';

export const getVerificationTimelineOperation = createRoute({
  method: 'get',
  path: '/v1/audit/verifications/{id}/timeline',
  tags: ['Audit'],
  summary: "A verification's timeline",
  description:
    'Every audit event of one verification, oldest first, and each SMS it sent with its route, the provider message id and the delivery receipt. Read from the trail, so it outlives the verification.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: { params: TimelineVerificationIdParam },
  responses: {
    200: {
      description: 'The timeline.',
      content: { 'application/json': { schema: VerificationTimelineSchema } },
    },
    ...errorResponses(401, 403, 404, 503),
  },
});

export const getVerificationTimelineEndpoint = endpoint(
  getVerificationTimelineOperation,
  (deps: AuditSearchDeps) => async (c) => {
    const timeline = await verificationTimeline(
      deps,
      c.get('principal').app.id,
      c.req.valid('param').id,
    );
    return c.json(toTimelineJson(timeline), 200);
  },
);
