import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { runIdempotently } from '../../http/idempotency/idempotent.ts';
import { jsonValueDepthAtMost } from '../../http/json-depth.ts';
import { withRefusalFloor } from '../../http/refusal-floor.ts';
import { requireScope } from '../../http/require-scope.ts';
import { jsonTextProblem } from '../../http/safe-text.ts';
import { CODE_LENGTH, TTL_SECONDS } from '../../kernel/app-settings.ts';
import { LOCALES, PURPOSES } from '../record.ts';
import { startVerification } from '../start-verification.ts';
import type { VerificationEndpointDeps } from './endpoint-deps.ts';
import {
  IdempotencyHeader,
  toVerificationResponse,
  VerificationSchema,
} from './verification-schema.ts';

/** How deep `metadata` may nest (itself included): a bag of values, not a document. */
const METADATA_DEPTH = 8;

const StartVerificationBody = z
  .object({
    to: z.string().min(1).max(32).openapi({ example: '+33612345678' }),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .optional()
      .openapi({ description: 'Needed when `to` is a national number.', example: 'FR' }),
    channel: z.literal('sms').default('sms'),
    purpose: z.enum(PURPOSES).default('login'),
    locale: z.enum(LOCALES).default('en'),
    code_length: z
      .number()
      .int()
      .min(CODE_LENGTH.min)
      .max(CODE_LENGTH.max)
      .optional()
      .openapi({
        description: `Digits of the code. Within ${CODE_LENGTH.min}-${CODE_LENGTH.max} (else 400), and at least the app's \`codePolicy.minCodeLength\` (${CODE_LENGTH.default} unless its settings say otherwise; else 422 \`outside_code_policy\`). Default ${CODE_LENGTH.default}, or the app's minimum if higher.`,
        example: CODE_LENGTH.default,
      }),
    ttl_seconds: z
      .number()
      .int()
      .min(TTL_SECONDS.min)
      .max(TTL_SECONDS.max)
      .optional()
      .openapi({
        description: `How long the code works, in seconds. Within ${TTL_SECONDS.min}-${TTL_SECONDS.max} (else 400), and at most the app's \`codePolicy.maxTtlSeconds\` (${TTL_SECONDS.default} unless its settings say otherwise; else 422 \`outside_code_policy\`). Default ${TTL_SECONDS.default}, or the app's maximum if lower.`,
        example: TTL_SECONDS.default,
      }),
    client: ClientSchema.optional(),
    metadata: z
      .record(z.string(), z.unknown())
      // Depth first, without recursion: JSON.stringify overflows the stack on deep nesting.
      .refine((m) => jsonValueDepthAtMost(m, METADATA_DEPTH), {
        message: `must nest at most ${METADATA_DEPTH} levels`,
        abort: true,
      })
      .refine((m) => JSON.stringify(m).length <= 2048, 'must be at most 2 KiB of JSON')
      .superRefine((m, ctx) => {
        const problem = jsonTextProblem(m);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .openapi({
        description: `Your own values, stored with the verification: at most 2 KiB of JSON, ${METADATA_DEPTH} levels deep.`,
      }),
  })
  .strict()
  .openapi('StartVerification');

export const startVerificationOperation = createRoute({
  method: 'post',
  path: '/v1/verify',
  tags: ['Verifications'],
  summary: 'Send a code',
  description:
    "A new verification for the same number and purpose cancels the pending one. At least 30 s between two sends to a number, new verification or resend (429 `resend_cooldown`); a request outside its app's code policy is a 422 `outside_code_policy`.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { 'application/json': { schema: StartVerificationBody } } },
  },
  responses: {
    201: {
      description: 'The code was sent.',
      content: { 'application/json': { schema: VerificationSchema } },
    },
    ...errorResponses(400, 401, 403, 409, 422, 423, 429, 503),
  },
});

export const startVerificationEndpoint = endpoint(
  startVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const body = c.req.valid('json');
    const actor = { app: c.get('principal').app, client: endUserAddress(c, body.client) };
    const response = await runIdempotently(c, deps, body, () =>
      withRefusalFloor(deps.refusalFloorMs, async () => {
        const record = await startVerification(deps, {
          actor,
          to: body.to,
          country: body.country,
          purpose: body.purpose,
          locale: body.locale,
          codeLength: body.code_length,
          ttlSeconds: body.ttl_seconds,
          metadata: body.metadata,
        });
        return toVerificationResponse(record, deps.clock.now(), actor.app);
      }),
    );
    return c.json(response, 201);
  },
);
