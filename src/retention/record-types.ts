import * as consent from '../consent/index.ts';
import type { Database } from '../db/database.ts';
import * as leads from '../leads/index.ts';
import * as signatures from '../signatures/index.ts';
import type { RetentionRules } from './rules.ts';

/**
 * The record types the job enforces, for the serving process and `tessera retention run` alike.
 */
export function registerRecordTypes(rules: RetentionRules, database: Database): void {
  rules.add(leads.retentionRule(database));
  rules.add(consent.retentionRule(database));
  rules.add(signatures.retentionRule(database));
}
