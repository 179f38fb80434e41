import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { type AccessStore, authenticateBasic } from '../access/index.ts';
import type { AppEnv } from '../http/app-env.ts';
import { problemResponse } from '../http/problem.ts';
import { isServiceSid } from './sids.ts';

/** The path under which the Twilio-shaped surface lives, for app.ts to put middleware on. */
export const TWILIO_PATHS = '/v2/*';

/** What runs before every /v2 endpoint: HTTP Basic with an API key, then a well-formed service sid. */
export function twilioMiddleware(access: AccessStore): MiddlewareHandler<AppEnv>[] {
  return [authenticateBasic(access), knownService()];
}

function knownService() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const sid = /^\/v2\/Services\/([^/]+)/.exec(c.req.path)?.[1];
    if (sid !== undefined && !isServiceSid(sid)) {
      return problemResponse(404, 'not_found', 'No such service.');
    }
    await next();
  });
}
