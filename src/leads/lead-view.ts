import { type LeadRecord, secondsToVerify, visibleLeadStatus } from './lead.ts';

/** A number's marketing consent as a lead shows it (consent/ fills it; null when none was asked). */
export interface LeadConsentView {
  granted: boolean;
  at: string | null;
  text_sha256: string;
  version: string;
  withdrawn_at: string | null;
}

/** The lead as the API shows it: the number masked, never sealed or hashed. */
export function leadView(lead: LeadRecord, now: number, consent: LeadConsentView | null) {
  const visible = visibleLeadStatus(lead, now);
  const q = lead.qualification;
  return {
    id: lead.id,
    status: visible.status,
    unverified_reason: visible.reason,
    phone: lead.phoneMasked,
    country: lead.country,
    source: lead.source,
    form: lead.form,
    lead_ref: lead.leadRef,
    attributes: lead.attributes,
    created_at: lead.createdAt.toISOString(),
    verified_at: lead.verifiedAt?.toISOString() ?? null,
    linked_lead_id: lead.linkedLeadId,
    consent,
    qualification: q
      ? {
          stage: q.stage,
          bant: q.bant,
          score: q.score,
          note: q.note,
          updated_at: q.at.toISOString(),
        }
      : null,
    signals: {
      sends: lead.sends,
      attempts: lead.attempts,
      seconds_to_verify: secondsToVerify(lead),
    },
  };
}

export type LeadView = ReturnType<typeof leadView>;
