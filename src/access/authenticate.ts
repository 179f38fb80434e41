import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/app-env.ts';
import { problemResponse } from '../http/problem.ts';
import type { AccessStore } from './access-store.ts';
import { findApiKey } from './api-keys.ts';

/** `Authorization: Bearer <key>`, looked up by its hash (findApiKey); never stored or logged. */
export function authenticate(access: AccessStore) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match?.[1] ? await findApiKey(access, match[1]) : null;
    if (!principal) {
      return problemResponse(
        401,
        'unauthorized',
        'A valid API key is required (Authorization: Bearer <key>).',
      );
    }
    c.set('principal', principal);
    await next();
  });
}
