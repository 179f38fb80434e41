import { systemActor } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { LeadsDeps } from './deps.ts';
import { type LeadRecord, type Qualification, visibleLeadStatus } from './lead.ts';
import { leadEvent } from './lead-audit.ts';

export const leadNotFound = () =>
  new RefusedError('lead_not_found', 'No lead with this id exists for this app.');

/**
 * A lead and its qualification history. A pending lead found expired is written unverified now,
 * with its audit row, so the trail shows the end of every lead that was looked at.
 */
export async function readLead(
  deps: LeadsDeps,
  input: { appId: string; id: string },
): Promise<{ lead: LeadRecord; history: Qualification[] }> {
  const found = await deps.store.get(input.appId, input.id);
  if (!found) throw leadNotFound();
  const now = deps.clock.now();
  let lead = found;
  const visible = visibleLeadStatus(found, now);
  if (found.status === 'pending_verification' && visible.status === 'unverified') {
    const closed = await deps.store.markUnverified(found.id, new Date(now), 'expired', {
      sends: found.sends,
      attempts: found.attempts,
      verificationExpiresAt: found.verificationExpiresAt ?? new Date(now),
      lastContactAt: found.lastContactAt,
    });
    if (closed) {
      lead = closed;
      await deps.audit.commitOrSpool([
        leadEvent(systemActor(found.appId), 'lead.unverified', closed, { reason: 'expired' }, now),
      ]);
    }
  }
  return { lead, history: await deps.store.qualifications(lead.id) };
}
