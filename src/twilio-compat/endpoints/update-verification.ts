import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { requireScope } from '../../http/require-scope.ts';
import {
  cancelVerification,
  type VerificationEndpointDeps,
  visibleStatus,
} from '../../verification/index.ts';
import { TwilioVerificationSchema, toTwilioVerification } from '../resource.ts';
import { twilioError } from '../twilio-errors.ts';
import {
  pathName,
  resolveVerification,
  resourceContext,
  SECURITY,
  TAG,
  twilioErrorResponses,
  VerificationParams,
} from './shared.ts';

const UpdateForm = z
  .object({ Status: z.enum(['canceled', 'approved']) })
  .openapi('TwilioUpdateVerification');

export const updateVerificationOperation = createRoute({
  method: 'post',
  path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
  tags: [TAG],
  summary: 'Cancel a verification (Twilio Verify)',
  description:
    '`Status=canceled` as `DELETE /v1/verify/{id}` (an ended verification is returned unchanged). `Status=approved` is refused (60204): Twilio offers it for custom codes, and a Tessera verification is approved only by its code.',
  security: SECURITY,
  middleware: [requireScope('verify')] as const,
  request: {
    params: VerificationParams,
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: UpdateForm } },
    },
  },
  responses: {
    200: {
      description: 'The verification.',
      content: { 'application/json': { schema: TwilioVerificationSchema } },
    },
    ...twilioErrorResponses(400, 401, 403, 404, 503),
  },
});

export const updateVerificationEndpoint = endpoint(
  updateVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const { ServiceSid, Sid } = c.req.valid('param');
    if (c.req.valid('form').Status === 'approved') {
      return c.json(twilioError(60204, 'Status=approved'), 400);
    }
    const actor = { app: c.get('principal').app, client: endUserAddress(c) };
    const id = await resolveVerification(deps, actor.app.id, pathName(Sid));
    if (!id) return c.json(twilioError(20404), 404);
    const record = await cancelVerification(deps, { actor, id });
    const context = resourceContext(c, ServiceSid, deps);
    return c.json(toTwilioVerification(record, visibleStatus(record, context.now), context), 200);
  },
);
