import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { WebhooksDeps } from '../deps.ts';
import { deleteEndpoint, readEndpoint } from '../manage-endpoints.ts';
import { toEndpointResponse, WebhookEndpointSchema, WebhookIdParam } from './webhook-schema.ts';

export const listWebhooksOperation = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  tags: ['Webhooks'],
  summary: "List the app's webhook endpoints",
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  responses: {
    200: {
      description: 'Every endpoint of the app, oldest first.',
      content: {
        'application/json': { schema: z.object({ endpoints: z.array(WebhookEndpointSchema) }) },
      },
    },
    ...errorResponses(401, 403, 503),
  },
});

export const listWebhooksEndpoint = endpoint(
  listWebhooksOperation,
  (deps: WebhooksDeps) => async (c) => {
    const endpoints = await deps.store.listEndpoints(c.get('principal').app.id);
    return c.json({ endpoints: endpoints.map(toEndpointResponse) }, 200);
  },
);

export const getWebhookOperation = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}',
  tags: ['Webhooks'],
  summary: 'Read a webhook endpoint',
  description: "Its secret is never shown again. Another app's endpoint is a 404.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  request: { params: WebhookIdParam },
  responses: {
    200: {
      description: 'The endpoint.',
      content: { 'application/json': { schema: WebhookEndpointSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const getWebhookEndpoint = endpoint(
  getWebhookOperation,
  (deps: WebhooksDeps) => async (c) => {
    const found = await readEndpoint(deps, c.get('principal').app.id, c.req.valid('param').id);
    return c.json(toEndpointResponse(found), 200);
  },
);

export const deleteWebhookOperation = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  tags: ['Webhooks'],
  summary: 'Delete a webhook endpoint',
  description:
    'Nothing more is sent to it, pending deliveries included; its delivery log goes with it.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  request: { params: WebhookIdParam },
  responses: {
    204: { description: 'Deleted.' },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const deleteWebhookEndpoint = endpoint(
  deleteWebhookOperation,
  (deps: WebhooksDeps) => async (c) => {
    await deleteEndpoint(deps, c.get('principal').app.id, c.req.valid('param').id);
    return c.body(null, 204);
  },
);
