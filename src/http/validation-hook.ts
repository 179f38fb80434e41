import type { Hook } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.ts';
import { problemResponse } from './problem.ts';

/** Schema violations become one 400 `invalid_request` naming every field at fault. */
// biome-ignore lint/suspicious/noExplicitAny: the hook serves every route, whatever its input type.
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  return problemResponse(
    400,
    'invalid_request',
    `Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    { errors },
  );
};
