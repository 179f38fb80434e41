import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/app-env.ts';
import { requireScope } from '../../http/auth.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { resendVerification } from '../../services/resend-verification.ts';
import type { RouteDeps } from '../route-deps.ts';
import {
  toVerificationResponse,
  VerificationIdParam,
  VerificationSchema,
} from './verification-schema.ts';

export const resendVerificationRoute = createRoute({
  method: 'post',
  path: '/v1/verify/{id}/resend',
  tags: ['Verifications'],
  summary: 'Send a new code on the same verification',
  description:
    'The previous code stops working; attempts are not refilled. At least 30 s between sends (429 `resend_cooldown`), at most 5 sends (429 `verification_sends`).',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { params: VerificationIdParam },
  responses: {
    200: {
      description: 'A new code was sent.',
      content: { 'application/json': { schema: VerificationSchema } },
    },
    ...errorResponses(401, 403, 404, 409, 429, 503),
  },
});

export function registerResendVerification(app: App, deps: RouteDeps): void {
  app.openapi(resendVerificationRoute, async (c) => {
    const record = await resendVerification(deps.verification, {
      app: c.get('principal').app,
      id: c.req.valid('param').id,
    });
    return c.json(toVerificationResponse(record, deps.clock.now()), 200);
  });
}
