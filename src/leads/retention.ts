import type { Database } from '../db/database.ts';
import type { RetentionRule } from '../retention/index.ts';
import type { SubjectDataHolder } from '../subjects/index.ts';
import type { LeadsDeps } from './deps.ts';
import { createPostgresLeadStore } from './postgres-lead-store.ts';

/** An erasure deletes the person's leads and, with them, their qualification history. */
export function subjectData(deps: LeadsDeps): SubjectDataHolder {
  return { forget: async (appId, hmacs) => ({ leads: await deps.store.forget(appId, hmacs) }) };
}

/** Leads are kept `leadsDays` after their last contact with the person (a send or a check). */
export function retentionRule(database: Database): RetentionRule {
  const store = createPostgresLeadStore(database);
  return {
    recordType: 'leads',
    setting: 'leadsDays',
    expire: (appId, before) => store.expire(appId, before),
  };
}
