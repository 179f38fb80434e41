import type { Actor } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { RefusedError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { maskPhone, normalizePhone } from '../kernel/phone.ts';
import { type Locale, startVerification, type VerificationRecord } from '../verification/index.ts';
import type { LeadsDeps } from './deps.ts';
import type { ConsentRequest, LeadRecord } from './lead.ts';
import { leadEvent } from './lead-audit.ts';

export interface CreateLeadInput {
  actor: Actor;
  phone: string;
  country?: string | undefined;
  source: string | null;
  form: string | null;
  leadRef: string | null;
  attributes: Record<string, unknown>;
  /** The consent the form showed and the person ticked (`granted: true` only), or null. */
  consent: ConsentRequest | null;
  locale: Locale;
  /** False: always send a code, even where the app links recent verifications. */
  linkRecent: boolean;
}

/**
 * A new lead, and its code sent by an ordinary `lead` verification. Where the app links recent
 * verifications (settings.leads.linkVerifiedWithinSeconds) and the number was verified as a lead
 * within that window, the new lead links to that one and nothing is sent, unless the form asks
 * for marketing consent: a consent is only ever confirmed by a code of its own lead.
 */
export async function createLead(
  deps: LeadsDeps,
  input: CreateLeadInput,
): Promise<{ lead: LeadRecord; verification: VerificationRecord | null }> {
  const { actor } = input;
  const appId = actor.app.id;
  const phone = normalizePhone(input.phone, input.country);
  if (!phone.ok) throw new RefusedError('invalid_phone_number', 'The number is not valid.');
  const id = newId('lead');
  const now = deps.clock.now();
  const base = {
    id,
    appId,
    phoneHmac: await deps.subjects.hmac(appId, phone.e164),
    phoneMasked: maskPhone(phone.e164),
    phoneSealed: deps.phones.seal(phone.e164, id),
    country: phone.country,
    source: input.source,
    form: input.form,
    leadRef: input.leadRef,
    attributes: input.attributes,
    clientIp: actor.client.ip,
    userAgent: actor.client.userAgent,
    consentRequest: input.consent,
    attempts: 0,
    unverifiedAt: null,
    unverifiedReason: null,
    qualification: null,
    createdAt: new Date(now),
    lastContactAt: new Date(now),
  };

  const windowSeconds = parseAppSettings(actor.app.settings).leads.linkVerifiedWithinSeconds;
  if (windowSeconds > 0 && input.linkRecent && input.consent === null) {
    const earlier = await deps.store.recentlyVerified(
      appId,
      base.phoneHmac,
      new Date(now - windowSeconds * 1000),
    );
    if (earlier) {
      const lead: LeadRecord = {
        ...base,
        status: 'verified',
        verificationId: null,
        verificationExpiresAt: null,
        linkedLeadId: earlier.id,
        sends: 0,
        firstSentAt: null,
        verifiedAt: earlier.verifiedAt,
      };
      await deps.store.insert(lead);
      const detail = { linked_lead_id: earlier.id, source: lead.source, form: lead.form };
      await deps.audit.commitOrSpool([
        leadEvent(actor, 'lead.created', lead, { detail }, now),
        leadEvent(actor, 'lead.verified', lead, { reason: 'linked', detail }, now),
      ]);
      return { lead, verification: null };
    }
  }

  const verification = await startVerification(deps.verification, {
    actor,
    to: phone.e164,
    purpose: 'lead',
    locale: input.locale,
    metadata: { lead_id: id },
  });
  const lead: LeadRecord = {
    ...base,
    status: 'pending_verification',
    verificationId: verification.id,
    verificationExpiresAt: new Date(verification.expiresAt),
    linkedLeadId: null,
    sends: verification.sendCount,
    firstSentAt: new Date(verification.createdAt),
    verifiedAt: null,
  };
  await deps.store.insert(lead);
  // The code has left: the lead's creation is a fact, recorded even if Postgres hiccups now.
  await deps.audit.commitOrSpool([
    leadEvent(
      actor,
      'lead.created',
      lead,
      {
        detail: {
          source: lead.source,
          form: lead.form,
          consent_requested: input.consent !== null,
          consent_version: input.consent?.version ?? null,
        },
      },
      now,
    ),
  ]);
  return { lead, verification };
}
