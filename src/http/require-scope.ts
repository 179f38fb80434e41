import { createMiddleware } from 'hono/factory';
import type { Scope } from '../access/index.ts';
import type { AppEnv } from './app-env.ts';
import { problemResponse } from './problem.ts';

/**
 * An endpoint's scope check, after authentication set the principal. Here rather than in access/
 * so that endpoints of every module depend on http/, not on access/ (which depends on them).
 */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get('principal').scopes.includes(scope)) {
      return problemResponse(403, 'forbidden', `This API key lacks the "${scope}" scope.`);
    }
    await next();
  });
}
