import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { WebhooksDeps } from '../deps.ts';
import { listDeliveries } from '../manage-endpoints.ts';
import { DeliverySchema, toDeliveryResponse, WebhookIdParam } from './webhook-schema.ts';

const DeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listWebhookDeliveriesOperation = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  tags: ['Webhooks'],
  summary: "A webhook endpoint's delivery log",
  description:
    'Newest first: each event sent (or to be sent) to the endpoint, its attempts, the last answer or error, and whether it was delivered or given up (`failed`, after the last retry).',
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  request: { params: WebhookIdParam, query: DeliveriesQuery },
  responses: {
    200: {
      description: 'The deliveries.',
      content: {
        'application/json': { schema: z.object({ deliveries: z.array(DeliverySchema) }) },
      },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const listWebhookDeliveriesEndpoint = endpoint(
  listWebhookDeliveriesOperation,
  (deps: WebhooksDeps) => async (c) => {
    const query = c.req.valid('query');
    const deliveries = await listDeliveries(deps, {
      appId: c.get('principal').app.id,
      endpointId: c.req.valid('param').id,
      ...(query.status ? { status: query.status } : {}),
      limit: query.limit,
    });
    return c.json({ deliveries: deliveries.map(toDeliveryResponse) }, 200);
  },
);
