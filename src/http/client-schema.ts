import { z } from '@hono/zod-openapi';
import { safeText } from './safe-text.ts';

/** The end user behind the calling backend; used for per-IP limits and the audit trail. */
export const ClientSchema = z
  .object({
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    user_agent: safeText().max(512).optional(),
  })
  .strict()
  .openapi('Client');
