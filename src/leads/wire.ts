import type { AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { VerificationEndpointDeps } from '../verification/index.ts';
import type { LeadsDeps } from './deps.ts';
import { createPostgresLeadStore } from './postgres-lead-store.ts';
import { leadObserver, type OnLeadVerified } from './settle-lead.ts';

export interface LeadsInfra {
  database: Database;
  clock: Clock;
  phones: PhoneProtector;
  subjects: SubjectHmacs;
  audit: AuditTrail;
  keys: Pick<DerivedKeys, 'listCursorKey'>;
  /** The lead's code goes through verification; leads subscribe to its changes here. */
  verification: VerificationEndpointDeps;
}

/** What builds on leads: what a verified lead records in the same step, and its consent view. */
export interface LeadHooks {
  onVerified: OnLeadVerified;
  consentOf: LeadsDeps['consentOf'];
  consentsOf: LeadsDeps['consentsOf'];
}

/** Leads on Postgres, kept in step with their verifications. */
export function wire(infra: LeadsInfra, hooks: LeadHooks): LeadsDeps {
  const deps: LeadsDeps = {
    clock: infra.clock,
    store: guardAvailability(createPostgresLeadStore(infra.database), 'postgres', isPostgresOutage),
    phones: infra.phones,
    subjects: infra.subjects,
    audit: infra.audit,
    verification: infra.verification,
    cursorKey: infra.keys.listCursorKey,
    consentOf: hooks.consentOf,
    consentsOf: hooks.consentsOf,
  };
  infra.verification.observers.add(leadObserver(deps, hooks.onVerified));
  return deps;
}
