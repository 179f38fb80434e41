import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { runIdempotently } from '../../http/idempotency/idempotent.ts';
import { withRefusalFloor } from '../../http/refusal-floor.ts';
import { requireScope } from '../../http/require-scope.ts';
import { resendVerification } from '../resend-verification.ts';
import type { VerificationEndpointDeps } from './endpoint-deps.ts';
import {
  IdempotencyHeader,
  toVerificationResponse,
  VerificationIdParam,
  VerificationSchema,
} from './verification-schema.ts';

export const resendVerificationOperation = createRoute({
  method: 'post',
  path: '/v1/verify/{id}/resend',
  tags: ['Verifications'],
  summary: 'Send a new code on the same verification',
  description:
    'The previous code stops working; attempts are not refilled. At least 30 s since the last send to the number, by this verification or another (429 `resend_cooldown`), at most 5 sends (429 `verification_sends`).',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    params: VerificationIdParam,
    headers: IdempotencyHeader,
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.object({ client: ClientSchema.optional() }).strict().openapi('Resend'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'A new code was sent.',
      content: { 'application/json': { schema: VerificationSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422, 423, 429, 503),
  },
});

export const resendVerificationEndpoint = endpoint(
  resendVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const body = c.req.valid('json') ?? {};
    const actor = { app: c.get('principal').app, client: endUserAddress(c, body.client) };
    const id = c.req.valid('param').id;
    const response = await runIdempotently(c, deps, body, () =>
      withRefusalFloor(deps.refusalFloorMs, async () => {
        const record = await resendVerification(deps, { actor, id });
        return toVerificationResponse(record, deps.clock.now(), actor.app);
      }),
    );
    return c.json(response, 200);
  },
);
