import type { AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../telemetry/logger.ts';
import { postgresApps } from './postgres-apps.ts';
import { createRetentionRules, type RetentionRules } from './rules.ts';
import type { RetentionDeps } from './run-retention.ts';
import { scheduleRetention } from './schedule.ts';

export interface RetentionInfra {
  database: Database;
  clock: Clock;
  audit: AuditTrail;
}

export interface RetentionModule {
  /** Where the record types register (infra.ts). */
  rules: RetentionRules;
  deps: RetentionDeps;
}

/** The retention job over every app, with an empty register of record types. */
export function wire(infra: RetentionInfra): RetentionModule {
  const rules = createRetentionRules();
  return {
    rules,
    deps: { clock: infra.clock, audit: infra.audit, rules, apps: postgresApps(infra.database) },
  };
}

/** Starts the in-process timer; the closer stops it and waits for a pass under way. */
export function schedule(
  module: RetentionModule,
  options: { logger: Logger; intervalMs?: number; onClose(close: () => Promise<void>): void },
): void {
  options.onClose(
    scheduleRetention({ ...module.deps, logger: options.logger }, options.intervalMs),
  );
}
