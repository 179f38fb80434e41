import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/app-env.ts';
import type { Problem } from '../http/problem.ts';

/**
 * Twilio's error body and the codes this surface answers with (README, Migrating from Twilio
 * Verify): Verify's own (60xxx) where one says what happened, otherwise 20000 + the HTTP status,
 * as Twilio's REST API does (20404, 20429, 20500, ...).
 */
export const TWILIO_ERRORS = {
  20003: { status: 401, message: 'Authenticate' },
  20404: { status: 404, message: 'The requested resource was not found' },
  60200: { status: 400, message: 'Invalid parameter' },
  60202: { status: 429, message: 'Max check attempts reached' },
  60203: { status: 429, message: 'Max send attempts reached' },
  60204: { status: 400, message: 'Service does not support this feature' },
  60221: { status: 400, message: 'No target verification specified' },
  60223: { status: 400, message: 'Delivery channel disabled' },
  60410: { status: 429, message: 'Verification delivery attempt blocked' },
  60605: { status: 403, message: 'Verification delivery attempt blocked' },
} as const satisfies Record<number, { status: number; message: string }>;

export type TwilioErrorCode = keyof typeof TWILIO_ERRORS;

export const TwilioErrorSchema = z
  .object({
    code: z.number().int().openapi({ example: 60200 }),
    message: z.string().openapi({ example: 'Invalid parameter: To' }),
    more_info: z.string().openapi({ example: 'https://www.twilio.com/docs/errors/60200' }),
    status: z.number().int().openapi({ example: 400 }),
  })
  .openapi('TwilioError');

export type TwilioError = z.infer<typeof TwilioErrorSchema>;

export function twilioError(code: TwilioErrorCode, detail?: string): TwilioError {
  const { status, message } = TWILIO_ERRORS[code];
  return errorBody(code, status, detail ? `${message}: ${detail}` : message);
}

function errorBody(code: number, status: number, message: string): TwilioError {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** The limits whose refusal Twilio calls "max send attempts": those counting sends to one number. */
const SEND_LIMITS = new Set([
  'verification_sends',
  'phone_send_hour',
  'phone_send_day',
  'resend_cooldown',
]);
const CHECK_LIMITS = new Set(['phone_failed_checks', 'ip_check_hour']);
const PUMPING_LIMITS = new Set(['pumping_prefix', 'pumping_country']);

/** A Tessera refusal (problem+json, with its stable `code`) in Twilio's words. */
export function fromProblem(problem: Problem): TwilioError {
  const limit = String(problem.limit ?? '');
  switch (problem.code) {
    case 'invalid_request':
      return twilioError(60200, problem.errors?.[0]?.path);
    case 'invalid_phone_number':
      return twilioError(60200, 'To');
    case 'invalid_code_format':
      return twilioError(60200, 'Code');
    case 'unauthorized':
      return twilioError(20003, problem.detail);
    case 'destination_blocked':
      return twilioError(60605, problem.detail);
    // A number locked after 100 failed checks: Twilio has no lock, its nearest word is this one.
    case 'phone_locked':
      return twilioError(60202, problem.detail);
    // Only a resend can meet an ended verification; Twilio's sids are gone once ended.
    case 'verification_closed':
      return twilioError(20404, problem.detail);
    case 'rate_limited':
      if (SEND_LIMITS.has(limit)) return twilioError(60203, problem.detail);
      if (CHECK_LIMITS.has(limit)) return twilioError(60202, problem.detail);
      if (PUMPING_LIMITS.has(limit)) return twilioError(60410, problem.detail);
      return errorBody(20429, 429, problem.detail);
    default:
      return errorBody(20000 + problem.status, problem.status, problem.detail);
  }
}

/**
 * Every refusal under /v2 leaves in Twilio's shape, whoever made it (authentication, the schema's
 * validation, a verb's refusal, the error handler): they all speak problem+json with a stable
 * code, so this one translation covers them. `Retry-After` is kept.
 */
export function twilioErrors() {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (!c.res.headers.get('content-type')?.startsWith('application/problem+json')) return;
    const error = fromProblem((await c.res.json()) as Problem);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const retryAfter = c.res.headers.get('retry-after');
    if (retryAfter) headers['retry-after'] = retryAfter;
    // Unset first: hono would otherwise carry the problem's headers over to the new response.
    c.res = undefined;
    c.res = new Response(JSON.stringify(error), { status: error.status, headers });
  });
}
