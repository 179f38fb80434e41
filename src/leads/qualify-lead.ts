import type { Actor } from '../audit/index.ts';
import type { LeadsDeps } from './deps.ts';
import type { Bant, LeadRecord, LeadStage } from './lead.ts';
import { leadEvent } from './lead-audit.ts';
import { leadNotFound } from './read-lead.ts';

/** Appends a qualification to a lead (its history is kept) and makes it the current one. */
export async function qualifyLead(
  deps: LeadsDeps,
  input: {
    actor: Actor;
    id: string;
    stage: LeadStage;
    bant: Bant;
    score: number | null;
    note: string | null;
  },
): Promise<LeadRecord> {
  const now = deps.clock.now();
  const { actor, id, ...qualification } = input;
  const lead = await deps.store.qualify(actor.app.id, id, { ...qualification, at: new Date(now) });
  if (!lead) throw leadNotFound();
  // The note is the app's own text about a person: it stays in the lead, not in the trail.
  await deps.audit.commitOrSpool([
    leadEvent(
      actor,
      'lead.qualified',
      lead,
      { detail: { stage: input.stage, score: input.score } },
      now,
    ),
  ]);
  return lead;
}
