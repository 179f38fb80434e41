import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { TotpDeps } from '../deps.ts';
import { confirmTotpFactor } from '../factors.ts';
import { FactorIdParam, FactorSchema, toFactorResponse } from './totp-schema.ts';

const ConfirmBody = z
  .object({
    code: z.string().max(64).openapi({ example: '123456' }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('ConfirmTotpFactor');

const ConfirmationSchema = FactorSchema.extend({
  recovery_codes: z
    .array(z.string())
    .openapi({ description: '10 single-use recovery codes, shown in this answer only.' }),
}).openapi('TotpConfirmation');

export const confirmTotpFactorOperation = createRoute({
  method: 'post',
  path: '/v1/totp/factors/{id}/confirm',
  tags: ['TOTP'],
  summary: 'Confirm a TOTP factor',
  description:
    'A current code from the authenticator activates the factor and returns its 10 recovery codes (shown once). A wrong code is a 422 `invalid_code` and spends one failed attempt of the user.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    params: FactorIdParam,
    body: { required: true, content: { 'application/json': { schema: ConfirmBody } } },
  },
  responses: {
    200: {
      description: 'The verified factor and its recovery codes.',
      content: { 'application/json': { schema: ConfirmationSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422, 429, 503),
  },
});

export const confirmTotpFactorEndpoint = endpoint(
  confirmTotpFactorOperation,
  (deps: TotpDeps) => async (c) => {
    const body = c.req.valid('json');
    const result = await confirmTotpFactor(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c, body.client) },
      id: c.req.valid('param').id,
      code: body.code,
    });
    c.header('cache-control', 'no-store');
    return c.json(
      { ...toFactorResponse(result.factor), recovery_codes: result.recoveryCodes },
      200,
    );
  },
);
