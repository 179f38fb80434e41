import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../access/index.ts';

/** Per-request values the middleware sets for handlers. */
export interface AppEnv {
  Variables: {
    /** The connection's client address (TRUST_PROXY applied); null when there is no socket. */
    connectionIp: string | null;
    principal: Principal;
    requestId: string;
  };
}

export type App = OpenAPIHono<AppEnv>;
