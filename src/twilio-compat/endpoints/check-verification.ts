import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { requireScope } from '../../http/require-scope.ts';
import { safeText } from '../../http/safe-text.ts';
import { checkVerification, type VerificationEndpointDeps } from '../../verification/index.ts';
import { TwilioVerificationCheckSchema, toTwilioVerificationCheck } from '../resource.ts';
import { twilioError } from '../twilio-errors.ts';
import {
  resolveVerification,
  resourceContext,
  SECURITY,
  ServiceParams,
  TAG,
  twilioErrorResponses,
} from './shared.ts';

const CheckForm = z
  .object({
    Code: safeText().min(1).max(64).openapi({ example: '123456' }),
    To: safeText()
      .max(32)
      .optional()
      .openapi({ description: 'The number of a pending verification; or give VerificationSid.' }),
    VerificationSid: safeText().max(64).optional(),
  })
  .openapi('TwilioCheckVerification');

export const checkVerificationOperation = createRoute({
  method: 'post',
  path: '/v2/Services/{ServiceSid}/VerificationCheck',
  tags: [TAG],
  summary: 'Check a code (Twilio Verify)',
  description:
    'As `POST /v1/verify/{id}/check`, with the same limits and audit rows. A wrong code answers 200 `valid: false`. As Twilio does, a verification that already ended (approved, expired, canceled) is a 404 20404, and one out of attempts a 429 60202; neither spends anything.',
  security: SECURITY,
  middleware: [requireScope('verify')] as const,
  request: {
    params: ServiceParams,
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: CheckForm } },
    },
  },
  responses: {
    200: {
      description: 'The verdict.',
      content: { 'application/json': { schema: TwilioVerificationCheckSchema } },
    },
    ...twilioErrorResponses(400, 401, 403, 404, 429, 503),
  },
});

export const checkVerificationEndpoint = endpoint(
  checkVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const form = c.req.valid('form');
    const actor = { app: c.get('principal').app, client: endUserAddress(c) };
    const name =
      form.VerificationSid !== undefined
        ? { sid: form.VerificationSid }
        : form.To !== undefined
          ? { to: form.To }
          : null;
    if (!name) return c.json(twilioError(60221), 400);
    const id = await resolveVerification(deps, actor.app.id, name);
    if (!id) return c.json(twilioError(20404), 404);
    const result = await checkVerification(deps, { actor, id, code: form.Code });
    if (!result.evaluated) {
      return result.status === 'max_attempts_reached'
        ? c.json(twilioError(60202), 429)
        : c.json(twilioError(20404), 404);
    }
    const context = resourceContext(c, c.req.valid('param').ServiceSid, deps);
    return c.json(toTwilioVerificationCheck(result.record, result.status, context), 200);
  },
);
