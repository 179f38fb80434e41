import type { RetentionRule } from '../retention/index.ts';
import type { SubjectDataHolder } from '../subjects/index.ts';
import type { LeadsDeps } from './deps.ts';

/** An erasure deletes the person's leads and, with them, their qualification history. */
export function subjectData(deps: LeadsDeps): SubjectDataHolder {
  return { forget: async (appId, hmacs) => ({ leads: await deps.store.forget(appId, hmacs) }) };
}

/** Leads are kept `leadsDays` after their last contact with the person (a send or a check). */
export function retentionRule(deps: LeadsDeps): RetentionRule {
  return {
    recordType: 'leads',
    setting: 'leadsDays',
    expire: (appId, before) => deps.store.expire(appId, before),
  };
}
