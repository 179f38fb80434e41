import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../http/endpoint.ts';
import { errorResponses } from '../http/error-responses.ts';
import { requireScope } from '../http/require-scope.ts';
import { RefusedError } from '../kernel/errors.ts';
import { normalizePhone } from '../kernel/phone.ts';
import type { DevOutbox } from './dev-outbox.ts';

const OutboxQuery = z.object({
  to: z
    .string()
    .min(1)
    .max(32)
    .openapi({ param: { name: 'to', in: 'query' }, example: '+33612345678' }),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional()
    .openapi({ param: { name: 'country', in: 'query' }, example: 'FR' }),
});

const OutboxSchema = z
  .object({
    messages: z.array(
      z.object({
        to: z.string(),
        text: z.string(),
        route: z.string(),
        sent_at: z.string().openapi({ format: 'date-time' }),
      }),
    ),
  })
  .openapi('DevOutbox');

export const devOutboxOperation = createRoute({
  method: 'get',
  path: '/v1/dev/outbox',
  tags: ['Development'],
  summary: 'Messages the console route sent (development only)',
  description:
    'Development only: this operation does not exist in production (`NODE_ENV=production` answers 404), and a client must not depend on it. Newest first, only this app’s messages. Process memory only.',
  // A vendor extension (OpenAPI 3.1, 4.9) tools and generated clients can filter on.
  'x-dev-only': true,
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { query: OutboxQuery },
  responses: {
    200: {
      description: 'The messages.',
      content: { 'application/json': { schema: OutboxSchema } },
    },
    ...errorResponses(400, 401, 403, 422),
  },
});

/** Registered only when the console route feeds an outbox, i.e. never in production. */
export const devOutboxEndpoint = endpoint(devOutboxOperation, (outbox: DevOutbox) => (c) => {
  const query = c.req.valid('query');
  const phone = normalizePhone(query.to, query.country);
  if (!phone.ok)
    throw new RefusedError('invalid_phone_number', 'The number is not a valid mobile number.');
  const messages = outbox.list(c.get('principal').app.id, phone.e164).map((m) => ({
    to: m.to,
    text: m.text,
    route: m.route,
    sent_at: m.sentAt.toISOString(),
  }));
  return c.json({ messages }, 200);
});
