import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { maskPhone } from '../../kernel/phone.ts';
import type { ConsentDeps } from '../deps.ts';
import { readConsent } from '../read-consent.ts';
import { ConsentStateSchema, toConsentResponse } from './consent-schema.ts';
import { phoneOrRefuse } from './phone.ts';

export const getConsentOperation = createRoute({
  method: 'get',
  path: '/v1/consents',
  tags: ['Consent'],
  summary: "A number's marketing consent",
  description:
    'The current state (the latest grant or withdrawal), whether the number is on the opposition list, and every consent record, oldest first.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    query: z.object({
      phone: z
        .string()
        .min(1)
        .max(32)
        .openapi({ param: { name: 'phone', in: 'query' } }),
      country: z
        .string()
        .regex(/^[A-Za-z]{2}$/)
        .optional()
        .openapi({ param: { name: 'country', in: 'query' } }),
    }),
  },
  responses: {
    200: {
      description: 'The state and history.',
      content: { 'application/json': { schema: ConsentStateSchema } },
    },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

export const getConsentEndpoint = endpoint(
  getConsentOperation,
  (deps: ConsentDeps) => async (c) => {
    const query = c.req.valid('query');
    const e164 = phoneOrRefuse(query.phone, query.country);
    const appId = c.get('principal').app.id;
    const consent = await readConsent(deps, appId, e164);
    return c.json(toConsentResponse(maskPhone(e164), consent), 200);
  },
);
