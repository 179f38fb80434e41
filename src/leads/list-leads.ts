import { invalidFilter } from '../kernel/errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { LeadsDeps } from './deps.ts';
import type { LeadRecord } from './lead.ts';
import type { LeadFilters, LeadPosition } from './store.ts';

export const LIST_LIMIT = { default: 50, max: 200 } as const;

/** One page of leads, newest first, and the cursor of the next one (null on the last page). */
export async function listLeads(
  deps: LeadsDeps,
  input: { appId: string; filters: LeadFilters; cursor: string | undefined; limit: number },
): Promise<{ leads: LeadRecord[]; nextCursor: string | null }> {
  const { appId, filters } = input;
  let after: LeadPosition | null = null;
  if (input.cursor !== undefined) {
    after = decodeCursor(deps.cursorKey, appId, filters, input.cursor);
    if (!after) {
      // Well formed but wrong: a 422 naming the parameter, as the audit search answers (api.md).
      throw invalidFilter(
        'cursor',
        'This cursor was not issued for this list: it is altered, or the filters changed.',
      );
    }
  }
  // One more than asked: whether a next page exists, without a count.
  const rows = await deps.store.page(
    appId,
    filters,
    after,
    input.limit + 1,
    new Date(deps.clock.now()),
  );
  const leads = rows.slice(0, input.limit);
  const last = leads.at(-1);
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor(deps.cursorKey, appId, filters, { createdAt: last.createdAt, id: last.id })
      : null;
  return { leads, nextCursor };
}
