import type { Database } from '../db/database.ts';
import type { RetentionRule } from '../retention/index.ts';
import type { SubjectDataHolder } from '../subjects/index.ts';
import type { ConsentDeps } from './deps.ts';
import { createPostgresConsentStore } from './postgres-consent-store.ts';

/** An erasure deletes the person's consent proof and takes the number off the opposition list. */
export function subjectData(deps: ConsentDeps): SubjectDataHolder {
  return {
    async forget(appId, hmacs) {
      const removed = await deps.store.forget(appId, hmacs);
      return { consent_records: removed.records, consent_oppositions: removed.oppositions };
    },
  };
}

/**
 * Consent proof is kept `consentProofDays` after its withdrawal: long enough to answer a complaint
 * about a message sent while it held. A consent still in force is never expired, and the
 * opposition list stays (a withdrawn number must not be re-consented silently by an import).
 */
export function retentionRule(database: Database): RetentionRule {
  const store = createPostgresConsentStore(database);
  return {
    recordType: 'consent_proof',
    setting: 'consentProofDays',
    expire: (appId, before) => store.expireWithdrawn(appId, before),
  };
}
