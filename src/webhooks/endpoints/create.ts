import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { safeText } from '../../http/safe-text.ts';
import type { WebhooksDeps } from '../deps.ts';
import { WEBHOOK_EVENT_TYPES } from '../event-types.ts';
import { createEndpoint } from '../manage-endpoints.ts';
import { toEndpointResponse, WebhookEndpointWithSecretSchema } from './webhook-schema.ts';

const CreateWebhookBody = z
  .object({
    url: safeText().min(1).max(2048).openapi({ example: 'https://app.example.com/hooks/tessera' }),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length),
    description: safeText().max(200).nullable().default(null),
  })
  .strict()
  .openapi('CreateWebhook');

export const createWebhookOperation = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  tags: ['Webhooks'],
  summary: 'Register a webhook endpoint',
  description:
    'Events are POSTed to `url` as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff. The URL must be https and resolve only to public addresses (unless the deployment allows loopback or private ranges): 422 `webhook_url_refused` otherwise. The signing secret is in the answer, once.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateWebhookBody } } },
  },
  responses: {
    201: {
      description: 'The endpoint and its signing secret.',
      content: { 'application/json': { schema: WebhookEndpointWithSecretSchema } },
    },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

export const createWebhookEndpoint = endpoint(
  createWebhookOperation,
  (deps: WebhooksDeps) => async (c) => {
    const body = c.req.valid('json');
    const { endpoint: created, secret } = await createEndpoint(deps, {
      appId: c.get('principal').app.id,
      url: body.url,
      events: body.events,
      description: body.description,
    });
    return c.json({ ...toEndpointResponse(created), secret }, 201);
  },
);
