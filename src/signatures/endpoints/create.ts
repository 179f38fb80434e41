import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { runIdempotently } from '../../http/idempotency/idempotent.ts';
import { withRefusalFloor } from '../../http/refusal-floor.ts';
import { requireScope } from '../../http/require-scope.ts';
import { jsonTextProblem, safeText } from '../../http/safe-text.ts';
import {
  IdempotencyHeader,
  LOCALES,
  toVerificationResponse,
  VerificationSchema,
} from '../../verification/index.ts';
import type { SignaturesDeps } from '../deps.ts';
import { requestSignature } from '../request-signature.ts';
import { Sha256Hex, SignatureSchema, signatureView } from './signature-schema.ts';

const label = (max: number) => safeText().min(1).max(max);

const CreateSignatureBody = z
  .object({
    signer: z
      .object({
        ref: label(100).openapi({ example: 'user-42' }),
        name: label(200).openapi({ example: 'Jeanne Martin' }),
        phone: z.string().min(1).max(32).openapi({ example: '+33612345678' }),
        country: z
          .string()
          .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
          .optional(),
      })
      .strict(),
    document: z
      .object({
        id: label(200).openapi({ example: 'contract-2026-001' }),
        title: label(200).openapi({ example: 'Contrat de prêt' }),
        sha256: Sha256Hex,
      })
      .strict(),
    consent_text: z
      .string()
      .min(1)
      .max(4000)
      .superRefine((text, ctx) => {
        const problem = jsonTextProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .openapi({ example: 'Je signe le contrat de prêt et reconnais en avoir pris connaissance.' }),
    locale: z.enum(LOCALES).default('en'),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('CreateSignature');

const CreatedSignatureSchema = SignatureSchema.extend({
  verification: VerificationSchema.openapi({
    description:
      'Purpose `signature`; its code is confirmed with POST /v1/signatures/{id}/confirm.',
  }),
}).openapi('CreatedSignature');

export const createSignatureOperation = createRoute({
  method: 'post',
  path: '/v1/signatures',
  tags: ['Signatures'],
  summary: 'Ask a signer to sign a document',
  description:
    'Sends the signer a code by SMS naming the document (its title shortened to keep one SMS where possible). The code is bound to this signature, the signer and the document SHA-256. A new request for the same signer and document, or to the same number, cancels the pending one. Idempotency-Key as on `POST /v1/verify`.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { 'application/json': { schema: CreateSignatureBody } } },
  },
  responses: {
    201: {
      description: 'The pending signature and its verification.',
      content: { 'application/json': { schema: CreatedSignatureSchema } },
    },
    ...errorResponses(400, 401, 403, 409, 422, 423, 429, 503),
  },
});

export const createSignatureEndpoint = endpoint(
  createSignatureOperation,
  (deps: SignaturesDeps) => async (c) => {
    const body = c.req.valid('json');
    const actor = { app: c.get('principal').app, client: endUserAddress(c, body.client) };
    const response = await runIdempotently(c, deps.verification, body, () =>
      withRefusalFloor(deps.verification.refusalFloorMs, async () => {
        const { signature, verification } = await requestSignature(deps, {
          actor,
          signer: body.signer,
          document: body.document,
          consentText: body.consent_text,
          locale: body.locale,
        });
        const now = deps.clock.now();
        return {
          ...signatureView(signature, now),
          verification: toVerificationResponse(verification, now, actor.app),
        };
      }),
    );
    return c.json(response, 201);
  },
);
