import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { confirmSignature } from '../confirm-signature.ts';
import type { SignaturesDeps } from '../deps.ts';
import { SIGNATURE_STATUSES } from '../signature.ts';
import { Sha256Hex, SignatureIdParam } from './signature-schema.ts';

const ConfirmBody = z
  .object({
    code: z.string().max(64).openapi({ example: '123456' }),
    document_sha256: Sha256Hex.openapi({
      description: 'The SHA-256 of the document the signer was shown and signs.',
    }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('ConfirmSignature');

const ConfirmResultSchema = z
  .object({
    id: z.string(),
    status: z.enum(SIGNATURE_STATUSES),
    valid: z.boolean(),
    attempts_remaining: z.number().int(),
    signed_at: z.string().nullable().openapi({ format: 'date-time' }),
    evidence_sha256: z.string().nullable().openapi({
      description:
        'SHA-256 of the evidence file (GET /v1/signatures/{id}/evidence), frozen at signing; null while it cannot be built yet.',
    }),
  })
  .openapi('SignatureConfirmation');

export const confirmSignatureOperation = createRoute({
  method: 'post',
  path: '/v1/signatures/{id}/confirm',
  tags: ['Signatures'],
  summary: 'Sign with the code',
  description:
    'The right code with the document hash the signature was requested for signs (`status: "signed"`, once, even under parallel confirmations). Another document hash never signs: 409 `document_mismatch`, one attempt spent. A wrong code answers like `POST /v1/verify/{id}/check` (`valid: false`, `attempts_remaining`); a signature no longer pending answers `valid: false` with its status.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    params: SignatureIdParam,
    body: { required: true, content: { 'application/json': { schema: ConfirmBody } } },
  },
  responses: {
    200: {
      description: 'The verdict.',
      content: { 'application/json': { schema: ConfirmResultSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422, 423, 429, 503),
  },
});

export const confirmSignatureEndpoint = endpoint(
  confirmSignatureOperation,
  (deps: SignaturesDeps) => async (c) => {
    const body = c.req.valid('json');
    const result = await confirmSignature(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c, body.client) },
      id: c.req.valid('param').id,
      code: body.code,
      documentSha256: body.document_sha256,
    });
    return c.json(
      {
        id: result.signature.id,
        status: result.status,
        valid: result.valid,
        attempts_remaining: result.attemptsRemaining,
        signed_at: result.signature.signedAt?.toISOString() ?? null,
        evidence_sha256: result.evidenceSha256,
      },
      200,
    );
  },
);
