import type { RetentionSettings } from '../kernel/app-settings.ts';

/**
 * One kind of record a retention period applies to. Registered by the composition root, so the
 * job knows no table: leads, consent proof and signature evidence.
 */
export interface RetentionRule {
  /** As the audit row names it: `leads`, `consent_proof`, `signature_evidence`. */
  recordType: string;
  /** The app setting that holds its period in days. */
  setting: keyof RetentionSettings;
  /** Deletes this app's records whose period started before `before`; how many. */
  expire(appId: string, before: Date): Promise<number>;
}

export interface RetentionRules {
  add(rule: RetentionRule): void;
  all(): readonly RetentionRule[];
}

export function createRetentionRules(): RetentionRules {
  const rules: RetentionRule[] = [];
  return {
    add(rule) {
      // Two rules for one type would each report half of what was removed.
      if (rules.some((r) => r.recordType === rule.recordType)) {
        throw new Error(`a retention rule for ${rule.recordType} is already registered`);
      }
      rules.push(rule);
    },
    all: () => rules,
  };
}
