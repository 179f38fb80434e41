import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-text.ts';
import { LEAD_STATUSES } from '../lead.ts';
import type { LeadFilters } from '../store.ts';

const query = (name: string) => ({ param: { name, in: 'query' as const } });

/** The filters GET /v1/leads and its export share. */
export const LeadFilterQuery = z.object({
  status: z.enum(LEAD_STATUSES).optional().openapi(query('status')),
  source: safeText().min(1).max(100).optional().openapi(query('source')),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ ...query('since'), description: 'Created at or after (RFC 3339).' }),
  until: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ ...query('until'), description: 'Created before (RFC 3339).' }),
});

export function toFilters(q: z.infer<typeof LeadFilterQuery>): LeadFilters {
  return {
    status: q.status,
    source: q.source,
    since: q.since === undefined ? undefined : new Date(q.since),
    until: q.until === undefined ? undefined : new Date(q.until),
  };
}
