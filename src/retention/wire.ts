import type { AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../telemetry/logger.ts';
import { postgresApps } from './postgres-apps.ts';
import { registerRecordTypes } from './record-types.ts';
import { createRetentionRules } from './rules.ts';
import type { RetentionDeps } from './run-retention.ts';
import { scheduleRetention } from './schedule.ts';

export interface RetentionInfra {
  database: Database;
  clock: Clock;
  audit: AuditTrail;
}

/** The retention job over every app and every registered record type. */
export function wire(infra: RetentionInfra): RetentionDeps {
  const rules = createRetentionRules();
  registerRecordTypes(rules, infra.database);
  return { clock: infra.clock, audit: infra.audit, rules, apps: postgresApps(infra.database) };
}

/** Starts the in-process timer; the closer stops it and waits for a pass under way. */
export function schedule(
  deps: RetentionDeps,
  options: { logger: Logger; intervalMs?: number; onClose(close: () => Promise<void>): void },
): void {
  options.onClose(scheduleRetention({ ...deps, logger: options.logger }, options.intervalMs));
}
