import { type AuditTrail, auditEvent, systemActor } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import type { Clock } from '../kernel/clock.ts';
import type { RetentionRules } from './rules.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionDeps {
  clock: Clock;
  audit: AuditTrail;
  rules: RetentionRules;
  /** Every app with its settings as stored. */
  apps(): Promise<{ id: string; settings: unknown }[]>;
}

/** What one run removed: one entry per app and record type that had something due. */
export interface RetentionReport {
  at: Date;
  removed: { appId: string; recordType: string; removed: number; before: Date }[];
}

/**
 * One pass of the retention job (`tessera retention run`, and the in-process timer): for each app
 * and each registered record type, deletes what its period has passed, with one
 * `retention.applied` audit row naming the type, the cut-off and the count. Idempotent: a second
 * pass at the same instant finds nothing due and writes nothing. Audit rows themselves are never
 * deleted (README, Retention): the chain and its proofs cover every row ever written.
 */
export async function runRetention(deps: RetentionDeps): Promise<RetentionReport> {
  const now = deps.clock.now();
  const removed: RetentionReport['removed'] = [];
  for (const app of await deps.apps()) {
    const settings = parseAppSettings(app.settings).retention;
    for (const rule of deps.rules.all()) {
      const days = settings[rule.setting];
      const before = new Date(now - days * DAY_MS);
      const count = await rule.expire(app.id, before);
      if (count === 0) continue;
      removed.push({ appId: app.id, recordType: rule.recordType, removed: count, before });
      await deps.audit.commitOrSpool([
        auditEvent(
          systemActor(app.id),
          'retention.applied',
          {
            outcome: 'ok',
            reason: rule.recordType,
            detail: {
              record_type: rule.recordType,
              removed: count,
              retention_days: days,
              before: before.toISOString(),
            },
          },
          now,
        ),
      ]);
    }
  }
  return { at: new Date(now), removed };
}
