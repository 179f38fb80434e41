import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { checkVerification } from '../check-verification.ts';
import type { VerificationEndpointDeps } from './endpoint-deps.ts';
import { VerificationIdParam, VerificationStatusSchema } from './verification-schema.ts';

const CheckBody = z
  .object({
    code: z.string().max(64).openapi({ example: '123456' }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('CheckCode');

const CheckResultSchema = z
  .object({
    id: z.string(),
    status: VerificationStatusSchema,
    valid: z.boolean(),
    attempts_remaining: z.number().int(),
  })
  .openapi('CheckResult');

export const checkVerificationOperation = createRoute({
  method: 'post',
  path: '/v1/verify/{id}/check',
  tags: ['Verifications'],
  summary: 'Check a code',
  description:
    'A wrong code is an answer (`valid: false`), not an error; one attempt is spent. A check on a verification that is no longer pending answers `valid: false` with its status.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    params: VerificationIdParam,
    body: { required: true, content: { 'application/json': { schema: CheckBody } } },
  },
  responses: {
    200: {
      description: 'The verdict.',
      content: { 'application/json': { schema: CheckResultSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 422, 423, 429, 503),
  },
});

export const checkVerificationEndpoint = endpoint(
  checkVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const body = c.req.valid('json');
    const result = await checkVerification(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c, body.client) },
      id: c.req.valid('param').id,
      code: body.code,
    });
    return c.json(
      {
        id: result.id,
        status: result.status,
        valid: result.valid,
        attempts_remaining: result.attemptsRemaining,
      },
      200,
    );
  },
);
