import { systemActor } from '../audit/index.ts';
import type { LeadRecord } from '../leads/index.ts';
import { consentEvent } from './consent-audit.ts';
import type { ConsentDeps } from './deps.ts';
import { sha256Hex } from './record.ts';

/**
 * A lead's code was approved: the consent its form asked for becomes proof (EDPB guidelines
 * 05/2020 ¶108: who, when, what they were told, how, and that they can withdraw). Who: the number's
 * HMAC and mask, the lead; when: the approval (UTC); what: the exact text and its SHA-256, its
 * version; how: a web form confirmed by the SMS code of this lead, from the form's IP and user
 * agent. Called inside the check's step: a failure here reverts the approval.
 */
export async function recordLeadConsent(
  deps: ConsentDeps,
  lead: LeadRecord,
  at: number,
): Promise<void> {
  const request = lead.consentRequest;
  if (!request) return;
  // An opposition written before subject keys carries another HMAC of the number: it counts too.
  const hmacs = await deps.subjects.lookupHmacs(
    lead.appId,
    deps.phones.open(lead.phoneSealed, lead.id),
  );
  const record = await deps.store.grant(
    {
      appId: lead.appId,
      phoneHmac: lead.phoneHmac,
      phoneMasked: lead.phoneMasked,
      leadId: lead.id,
      method: 'web_form_sms_code',
      text: request.text,
      textSha256: sha256Hex(request.text),
      version: request.version,
      verificationId: lead.verificationId,
      clientIp: lead.clientIp,
      userAgent: lead.userAgent,
      route: null,
      reason: request.reOptIn ? 're_opt_in' : null,
      createdAt: new Date(at),
    },
    request.reOptIn,
    hmacs,
  );
  await deps.audit.commitOrSpool([consentEvent(systemActor(lead.appId), record)]);
}
