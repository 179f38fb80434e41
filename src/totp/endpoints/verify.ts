import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { TotpDeps } from '../deps.ts';
import { verifyTotp } from '../verify-totp.ts';
import { UserRefSchema } from './totp-schema.ts';

const VerifyBody = z
  .object({
    user_ref: UserRefSchema,
    code: z
      .string()
      .max(64)
      .openapi({ example: '123456', description: 'A TOTP code or a recovery code.' }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('VerifyTotp');

const VerdictSchema = z
  .object({
    valid: z.boolean(),
    factor_id: z.string().nullable(),
    method: z.enum(['totp', 'recovery_code']),
  })
  .openapi('TotpVerdict');

export const verifyTotpOperation = createRoute({
  method: 'post',
  path: '/v1/totp/verify',
  tags: ['TOTP'],
  summary: "Verify a user's TOTP code or recovery code",
  description:
    'Accepts the current time step ±1 (server clock). A step once accepted is never accepted again, and a recovery code is used up. A wrong code is an answer (`valid: false`), not an error.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: VerifyBody } } },
  },
  responses: {
    200: {
      description: 'The verdict.',
      content: { 'application/json': { schema: VerdictSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 422, 423, 429, 503),
  },
});

export const verifyTotpEndpoint = endpoint(verifyTotpOperation, (deps: TotpDeps) => async (c) => {
  const body = c.req.valid('json');
  const verdict = await verifyTotp(deps, {
    actor: { app: c.get('principal').app, client: endUserAddress(c, body.client) },
    userRef: body.user_ref,
    code: body.code,
  });
  return c.json({ valid: verdict.valid, factor_id: verdict.factorId, method: verdict.method }, 200);
});
