import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { safeText } from '../../http/safe-text.ts';
import { maskPhone } from '../../kernel/phone.ts';
import type { ConsentDeps } from '../deps.ts';
import { readConsent } from '../read-consent.ts';
import { withdrawConsent } from '../withdraw-consent.ts';
import { ConsentStateSchema, toConsentResponse } from './consent-schema.ts';
import { phoneOrRefuse } from './phone.ts';

const WithdrawBody = z
  .object({
    phone: z.string().min(1).max(32).openapi({ example: '+33612345678' }),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/)
      .optional(),
    reason: safeText().max(200).optional().openapi({ example: 'asked by phone' }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('WithdrawConsent');

export const withdrawConsentOperation = createRoute({
  method: 'post',
  path: '/v1/consents/withdraw',
  tags: ['Consent'],
  summary: 'Withdraw SMS marketing consent',
  description:
    'Appends a withdrawal and puts the number on the opposition list of the app, whatever its state was. Codes (verifications) still go out to it.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: WithdrawBody } } },
  },
  responses: {
    200: {
      description: 'The state after the withdrawal.',
      content: { 'application/json': { schema: ConsentStateSchema } },
    },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

export const withdrawConsentEndpoint = endpoint(
  withdrawConsentOperation,
  (deps: ConsentDeps) => async (c) => {
    const body = c.req.valid('json');
    const e164 = phoneOrRefuse(body.phone, body.country);
    const actor = { app: c.get('principal').app, client: endUserAddress(c, body.client) };
    await withdrawConsent(deps, {
      actor,
      e164,
      method: 'api',
      reason: body.reason ?? null,
      route: null,
    });
    const consent = await readConsent(deps, actor.app.id, e164);
    return c.json(toConsentResponse(maskPhone(e164), consent), 200);
  },
);
