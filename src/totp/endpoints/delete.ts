import { createRoute } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { TotpDeps } from '../deps.ts';
import { deleteTotpFactor } from '../factors.ts';
import { FactorIdParam, FactorSchema, toFactorResponse } from './totp-schema.ts';

export const deleteTotpFactorOperation = createRoute({
  method: 'delete',
  path: '/v1/totp/factors/{id}',
  tags: ['TOTP'],
  summary: 'Delete a TOTP factor',
  description:
    "The factor stops verifying at once; its secret and recovery codes are erased. Another app's factor is a 404.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { params: FactorIdParam },
  responses: {
    200: {
      description: 'The deleted factor.',
      content: { 'application/json': { schema: FactorSchema } },
    },
    ...errorResponses(401, 403, 404, 503),
  },
});

export const deleteTotpFactorEndpoint = endpoint(
  deleteTotpFactorOperation,
  (deps: TotpDeps) => async (c) => {
    const removed = await deleteTotpFactor(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c) },
      id: c.req.valid('param').id,
    });
    return c.json(toFactorResponse(removed, 'deleted'), 200);
  },
);
