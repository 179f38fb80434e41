import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import { safeText } from '../../http/safe-text.ts';
import type { VerificationEndpointDeps } from '../../verification/index.ts';
import { findPendingVerification, type Purpose } from '../../verification/index.ts';
import type { ResourceContext } from '../resource.ts';
import { verificationIdOf } from '../sids.ts';
import { TwilioErrorSchema } from '../twilio-errors.ts';

/**
 * Twilio's verifications carry no purpose; they are Tessera's `login` ones, the /v1 default, so a
 * new one through either surface replaces the number's pending one, as Twilio does per number.
 */
export const TWILIO_PURPOSE: Purpose = 'login';

export const TAG = 'Twilio Verify compatibility';
export const SECURITY = [{ twilioBasic: [] }];

const ServiceSid = safeText()
  .max(64)
  .openapi({
    param: { name: 'ServiceSid', in: 'path' },
    description: 'Any `VA` sid: the key, not the sid, chooses the app.',
    example: 'VA0123456789abcdef0123456789abcdef',
  });

export const ServiceParams = z.object({ ServiceSid });

export const VerificationParams = z.object({
  ServiceSid,
  Sid: safeText()
    .max(64)
    .openapi({
      param: { name: 'Sid', in: 'path' },
      description: 'The verification sid (`VE…`), or the E.164 number of its pending verification.',
      example: 'VE3fa0e5bb4f8f9f0e6c3c8d6a0b1c2d3e',
    }),
});

const DESCRIPTIONS = {
  400: 'Invalid parameter (60200), unsupported channel (60223) or feature (60204).',
  401: 'No valid API key as the Basic password (20003).',
  403: 'The key lacks `verify` (20403), or the destination is not enabled (60605).',
  404: 'No such verification (20404); also one that already ended, for a check.',
  429: 'Max send attempts (60203), max check attempts (60202), SMS pumping watch (60410), other limits (20429); `Retry-After` says when.',
  503: 'A store or the SMS route is unavailable (20503); nothing was changed.',
} as const;

/** Error responses in Twilio's shape (twilio-errors.ts translates every refusal under /v2). */
export function twilioErrorResponses<S extends keyof typeof DESCRIPTIONS>(...statuses: S[]) {
  const responses = {} as Record<
    S,
    { description: string; content: { 'application/json': { schema: typeof TwilioErrorSchema } } }
  >;
  for (const status of statuses) {
    responses[status] = {
      description: DESCRIPTIONS[status],
      content: { 'application/json': { schema: TwilioErrorSchema } },
    };
  }
  return responses;
}

export function resourceContext(
  c: Context<AppEnv>,
  serviceSid: string,
  deps: VerificationEndpointDeps,
): ResourceContext {
  return { serviceSid, origin: new URL(c.req.url).origin, now: deps.clock.now() };
}

/** A verification named as Twilio lets one be named: its `VE` sid, or its number while pending. */
export function resolveVerification(
  deps: VerificationEndpointDeps,
  appId: string,
  name: { sid: string } | { to: string },
): Promise<string | null> {
  if ('sid' in name) return Promise.resolve(verificationIdOf(name.sid));
  return findPendingVerification(deps, { appId, purpose: TWILIO_PURPOSE, to: name.to });
}

/** A path's `Sid`: Twilio takes the number of a pending verification there too. */
export function pathName(sid: string): { sid: string } | { to: string } {
  return sid.startsWith('+') ? { to: sid } : { sid };
}
