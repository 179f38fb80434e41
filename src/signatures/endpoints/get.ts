import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import type { SignaturesDeps } from '../deps.ts';
import { readSignature } from '../read-signature.ts';
import { SignatureIdParam, SignatureSchema, signatureView } from './signature-schema.ts';

export const getSignatureOperation = createRoute({
  method: 'get',
  path: '/v1/signatures/{id}',
  tags: ['Signatures'],
  summary: 'Read a signature',
  description:
    'Its status (`pending`, `signed`, `canceled`, `failed`, `expired`), signer, document.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { params: SignatureIdParam },
  responses: {
    200: {
      description: 'The signature.',
      content: { 'application/json': { schema: SignatureSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const getSignatureEndpoint = endpoint(
  getSignatureOperation,
  (deps: SignaturesDeps) => async (c) => {
    const signature = await readSignature(deps, {
      appId: c.get('principal').app.id,
      id: c.req.valid('param').id,
    });
    return c.json(signatureView(signature, deps.clock.now()), 200);
  },
);
