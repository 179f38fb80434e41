import type { AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { LeadHooks, LeadRecord } from '../leads/index.ts';
import type { InboundReplies } from '../sms/index.ts';
import type { ConsentDeps } from './deps.ts';
import { withdrawOnStop } from './on-reply.ts';
import { createPostgresConsentStore } from './postgres-consent-store.ts';
import { leadConsentViews } from './read-consent.ts';
import { recordLeadConsent } from './record-lead-consent.ts';

export interface ConsentInfra {
  database: Database;
  clock: Clock;
  phones: PhoneProtector;
  subjects: SubjectHmacs;
  audit: AuditTrail;
  /** Replies from phones: a STOP withdraws consent (subscribed here). */
  sms: { replies: InboundReplies };
}

export interface ConsentModule {
  deps: ConsentDeps;
  /** What leads call: a verified lead's consent recorded, a lead's consent shown. */
  leadHooks: LeadHooks;
}

/** Consent proof and the opposition list on Postgres, withdrawn by STOP replies. */
export function wire(infra: ConsentInfra): ConsentModule {
  const deps: ConsentDeps = {
    clock: infra.clock,
    store: guardAvailability(
      createPostgresConsentStore(infra.database),
      'postgres',
      isPostgresOutage,
    ),
    phones: infra.phones,
    subjects: infra.subjects,
    audit: infra.audit,
  };
  infra.sms.replies.add(withdrawOnStop(deps));
  const consentsOf = (leads: readonly LeadRecord[]) => leadConsentViews(deps, leads);
  return {
    deps,
    leadHooks: {
      onVerified: (lead, at) => recordLeadConsent(deps, lead, at),
      consentOf: async (lead) => (await consentsOf([lead]))[0] ?? null,
      consentsOf,
    },
  };
}
