import { createRoute } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { requireScope } from '../../http/require-scope.ts';
import {
  getVerification,
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

export const fetchVerificationOperation = createRoute({
  method: 'get',
  path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
  tags: [TAG],
  summary: 'Read a verification (Twilio Verify)',
  description: 'As `GET /v1/verify/{id}`; an ended verification stays readable for an hour.',
  security: SECURITY,
  middleware: [requireScope('verify')] as const,
  request: { params: VerificationParams },
  responses: {
    200: {
      description: 'The verification.',
      content: { 'application/json': { schema: TwilioVerificationSchema } },
    },
    ...twilioErrorResponses(401, 403, 404, 503),
  },
});

export const fetchVerificationEndpoint = endpoint(
  fetchVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const { ServiceSid, Sid } = c.req.valid('param');
    const appId = c.get('principal').app.id;
    const id = await resolveVerification(deps, appId, pathName(Sid));
    if (!id) return c.json(twilioError(20404), 404);
    const record = await getVerification(deps, { appId, id });
    const context = resourceContext(c, ServiceSid, deps);
    return c.json(toTwilioVerification(record, visibleStatus(record, context.now), context), 200);
  },
);
