import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { WebhooksDeps } from '../deps.ts';
import { rotateSecret } from '../manage-endpoints.ts';
import {
  toEndpointResponse,
  WebhookEndpointWithSecretSchema,
  WebhookIdParam,
} from './webhook-schema.ts';

export const rotateWebhookSecretOperation = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/rotate-secret',
  tags: ['Webhooks'],
  summary: "Rotate a webhook endpoint's signing secret",
  description:
    'A new secret, shown once. For 24 hours each delivery carries two signatures (`webhook-signature` lists both), so a receiver can switch secrets without missing an event.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  request: { params: WebhookIdParam },
  responses: {
    200: {
      description: 'The endpoint and its new secret.',
      content: { 'application/json': { schema: WebhookEndpointWithSecretSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const rotateWebhookSecretEndpoint = endpoint(
  rotateWebhookSecretOperation,
  (deps: WebhooksDeps) => async (c) => {
    const rotated = await rotateSecret(deps, c.get('principal').app.id, c.req.valid('param').id);
    return c.json({ ...toEndpointResponse(rotated.endpoint), secret: rotated.secret }, 200);
  },
);
