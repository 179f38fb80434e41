import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../services/ports.ts';

/** Per-request values the middleware sets for handlers. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}

export type App = OpenAPIHono<AppEnv>;
