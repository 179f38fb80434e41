import { createRoute, z } from '@hono/zod-openapi';
import type { Actor } from '../../audit/index.ts';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { withRefusalFloor } from '../../http/refusal-floor.ts';
import { requireScope } from '../../http/require-scope.ts';
import { safeText } from '../../http/safe-text.ts';
import { RefusedError } from '../../kernel/errors.ts';
import {
  findPendingVerification,
  LOCALES,
  type Locale,
  resendVerification,
  startVerification,
  type VerificationEndpointDeps,
  type VerificationRecord,
  visibleStatus,
} from '../../verification/index.ts';
import { TwilioVerificationSchema, toTwilioVerification } from '../resource.ts';
import { twilioError } from '../twilio-errors.ts';
import {
  resourceContext,
  SECURITY,
  ServiceParams,
  TAG,
  TWILIO_PURPOSE,
  twilioErrorResponses,
} from './shared.ts';

/** Channels Twilio offers that Tessera does not: refused as a disabled channel (60223). */
const OTHER_TWILIO_CHANNELS = new Set(['call', 'email', 'whatsapp', 'sna', 'auto', 'rcs']);

const CreateVerificationForm = z
  .object({
    To: safeText().min(1).max(32).openapi({ example: '+33612345678' }),
    Channel: safeText().min(1).max(32).openapi({ example: 'sms' }),
    Locale: safeText()
      .max(16)
      .optional()
      .openapi({ description: '`en` or `fr` (any region); any other language gets `en`.' }),
    CustomCode: safeText()
      .max(64)
      .optional()
      .openapi({ description: 'Refused (60204): Tessera generates every code.' }),
    DeviceIp: z
      .union([z.ipv4(), z.ipv6()])
      .optional()
      .openapi({ description: "The end user's IP, for the per-IP limits and the audit trail." }),
  })
  .openapi('TwilioCreateVerification');

export const createVerificationOperation = createRoute({
  method: 'post',
  path: '/v2/Services/{ServiceSid}/Verifications',
  tags: [TAG],
  summary: 'Send a code (Twilio Verify)',
  description:
    'As `POST /v1/verify` with purpose `login`. While the number has a pending verification, a new code is sent on it (same sid, as Twilio does), under the resend rules.',
  security: SECURITY,
  middleware: [requireScope('verify')] as const,
  request: {
    params: ServiceParams,
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: CreateVerificationForm } },
    },
  },
  responses: {
    201: {
      description: 'The code was sent.',
      content: { 'application/json': { schema: TwilioVerificationSchema } },
    },
    ...twilioErrorResponses(400, 401, 403, 404, 429, 503),
  },
});

export const createVerificationEndpoint = endpoint(
  createVerificationOperation,
  (deps: VerificationEndpointDeps) => async (c) => {
    const form = c.req.valid('form');
    const channel = form.Channel.toLowerCase();
    if (channel !== 'sms') {
      return OTHER_TWILIO_CHANNELS.has(channel)
        ? c.json(twilioError(60223, form.Channel), 400)
        : c.json(twilioError(60200, 'Channel'), 400);
    }
    if (form.CustomCode !== undefined) return c.json(twilioError(60204, 'CustomCode'), 400);
    const actor: Actor = {
      app: c.get('principal').app,
      client: endUserAddress(c, form.DeviceIp ? { ip: form.DeviceIp } : undefined),
    };
    const record = await withRefusalFloor(deps.refusalFloorMs, () =>
      sendOrResend(deps, actor, form.To, localeOf(form.Locale)),
    );
    const context = resourceContext(c, c.req.valid('param').ServiceSid, deps);
    return c.json(toTwilioVerification(record, visibleStatus(record, context.now), context), 201);
  },
);

/** A new code on the number's pending verification if it has one (Twilio's way), else a new one. */
async function sendOrResend(
  deps: VerificationEndpointDeps,
  actor: Actor,
  to: string,
  locale: Locale,
): Promise<VerificationRecord> {
  const pending = await findPendingVerification(deps, {
    appId: actor.app.id,
    purpose: TWILIO_PURPOSE,
    to,
  });
  if (pending) {
    try {
      return await resendVerification(deps, { actor, id: pending });
    } catch (error) {
      // It ended (expired, approved, cancelled) since the store named it: a new one then.
      const ended =
        error instanceof RefusedError &&
        (error.code === 'verification_closed' || error.code === 'verification_not_found');
      if (!ended) throw error;
    }
  }
  return startVerification(deps, { actor, to, purpose: TWILIO_PURPOSE, locale });
}

function localeOf(locale: string | undefined): Locale {
  const language = locale?.split(/[-_]/)[0]?.toLowerCase();
  return LOCALES.find((known) => known === language) ?? 'en';
}
