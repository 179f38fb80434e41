import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { TotpDeps } from '../deps.ts';
import { listTotpFactors } from '../factors.ts';
import { FactorSchema, toFactorResponse, UserRefSchema } from './totp-schema.ts';

const ListQuery = z.object({
  user_ref: UserRefSchema.openapi({ param: { name: 'user_ref', in: 'query' } }),
});

const FactorListSchema = z
  .object({
    factors: z.array(
      FactorSchema.extend({ recovery_codes_remaining: z.number().int() }).openapi(
        'TotpFactorListing',
      ),
    ),
  })
  .openapi('TotpFactorList');

export const listTotpFactorsOperation = createRoute({
  method: 'get',
  path: '/v1/totp/factors',
  tags: ['TOTP'],
  summary: "List a user's TOTP factors",
  description: 'Live (not deleted) factors of the user, oldest first. Never a secret.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { query: ListQuery },
  responses: {
    200: {
      description: 'The factors.',
      content: { 'application/json': { schema: FactorListSchema } },
    },
    ...errorResponses(400, 401, 403, 503),
  },
});

export const listTotpFactorsEndpoint = endpoint(
  listTotpFactorsOperation,
  (deps: TotpDeps) => async (c) => {
    const factors = await listTotpFactors(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c) },
      userRef: c.req.valid('query').user_ref,
    });
    return c.json(
      {
        factors: factors.map((f) => ({
          ...toFactorResponse(f),
          recovery_codes_remaining: f.recoveryCodesRemaining,
        })),
      },
      200,
    );
  },
);
