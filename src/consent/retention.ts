import type { RetentionRule } from '../retention/index.ts';
import type { SubjectDataHolder } from '../subjects/index.ts';
import type { ConsentDeps } from './deps.ts';

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
 * about a message sent while it held. A consent still in force is never expired.
 */
export function retentionRule(deps: ConsentDeps): RetentionRule {
  return {
    recordType: 'consent_proof',
    setting: 'consentProofDays',
    expire: (appId, before) => deps.store.expireWithdrawn(appId, before),
  };
}
