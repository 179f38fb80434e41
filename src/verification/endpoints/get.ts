import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { getVerification } from '../read-verification.ts';
import type { VerificationEndpointDeps } from './endpoint-deps.ts';
import {
  toVerificationResponse,
  VerificationIdParam,
  VerificationSchema,
} from './verification-schema.ts';

export const getVerificationOperation = createRoute({
  method: 'get',
  path: '/v1/verify/{id}',
  tags: ['Verifications'],
  summary: 'Read a verification',
  description: 'The state of a verification (the number is masked).',
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

export const getVerificationEndpoint = endpoint(
  getVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const record = await getVerification(deps, {
      appId: c.get('principal').app.id,
      id: c.req.valid('param').id,
    });
    return c.json(toVerificationResponse(record, deps.clock.now(), c.get('principal').app), 200);
  },
);
