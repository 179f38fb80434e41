import * as consent from '../consent/index.ts';
import type { Database } from '../db/database.ts';
import * as leads from '../leads/index.ts';
import type { RetentionRules } from './rules.ts';

/**
 * The record types the job enforces, for the serving process and `tessera retention run` alike.
 * Signature evidence (setting signatureEvidenceDays) is registered here once signatures/ exists.
 */
export function registerRecordTypes(rules: RetentionRules, database: Database): void {
  rules.add(leads.retentionRule(database));
  rules.add(consent.retentionRule(database));
}
