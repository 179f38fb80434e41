import { createRoute } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { cancelVerification } from '../read-verification.ts';
import type { VerificationEndpointDeps } from './endpoint-deps.ts';
import {
  toVerificationResponse,
  VerificationIdParam,
  VerificationSchema,
} from './verification-schema.ts';

export const cancelVerificationOperation = createRoute({
  method: 'delete',
  path: '/v1/verify/{id}',
  tags: ['Verifications'],
  summary: 'Cancel a verification',
  description:
    'A pending verification becomes `canceled`; one that already ended is returned unchanged.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { params: VerificationIdParam },
  responses: {
    200: {
      description: 'The verification.',
      content: { 'application/json': { schema: VerificationSchema } },
    },
    ...errorResponses(401, 403, 404, 503),
  },
});

export const cancelVerificationEndpoint = endpoint(
  cancelVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const record = await cancelVerification(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c) },
      id: c.req.valid('param').id,
    });
    return c.json(toVerificationResponse(record, deps.clock.now(), c.get('principal').app), 200);
  },
);
