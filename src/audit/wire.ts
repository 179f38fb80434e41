import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { Logger } from '../telemetry/logger.ts';
import { createAuditCursorCodec } from './audit-cursor.ts';
import type { AuditSearchDeps } from './audit-search.ts';
import { createPostgresAuditSearchStore } from './postgres-audit-search.ts';
import { createPostgresAuditQueries, createPostgresAuditWriter } from './postgres-writer.ts';
import { createSpoolFile } from './spool-file.ts';
import { createAuditTrail } from './trail.ts';
import type { AuditQueries, AuditTrail } from './types.ts';

export interface AuditInfra {
  database: Database;
  logger: Logger;
  metrics: {
    auditCommitted(events: number, waits: readonly number[]): void;
    auditSpooled(pending: number): void;
  };
  config: Pick<Config, 'auditSpoolDir'>;
  /** Phone filters of searches are matched through the app's HMACs. */
  phones: PhoneProtector;
  keys: Pick<DerivedKeys, 'auditCursorKey'>;
  /** Closers run in reverse order of registration when the runtime closes. */
  onClose(close: () => Promise<void>): void;
}

export interface AuditModule {
  /** How verbs record decisions (commit, or commit-or-spool). */
  trail: AuditTrail;
  queries: AuditQueries;
  /** What the audit endpoints (and any reader of the trail for people) are given. */
  search: AuditSearchDeps;
}

/**
 * The audit trail over Postgres: a group-committing writer and, in front of it, the spool that
 * keeps rows Postgres refused (and commits first what an earlier process left on disk).
 */
export async function wire(infra: AuditInfra): Promise<AuditModule> {
  const { logger, metrics } = infra;
  const postgresWriter = createPostgresAuditWriter(infra.database, {
    onBatch: (events, waits) => metrics.auditCommitted(events, waits),
  });
  // Closed after the trail below (closers run in reverse), which may still hand it rows.
  infra.onClose(() => postgresWriter.close());
  const writer = guardAvailability(postgresWriter, 'postgres', isPostgresOutage);

  const spoolDir = infra.config.auditSpoolDir;
  const spoolFile = createSpoolFile(spoolDir);
  const { events: recovered, unreadable } = await spoolFile.recover().catch((error: Error) => {
    throw new Error(
      `the audit spool directory ${spoolDir} (AUDIT_SPOOL_DIR) is not usable: ${error.message}`,
      { cause: error },
    );
  });
  if (unreadable.length > 0) {
    logger.error(
      { files: unreadable },
      'audit spool files that cannot be read were set aside: their rows are not in the trail',
    );
  }
  if (recovered.length > 0) {
    logger.warn(
      { events: recovered.length },
      'audit rows left in the spool by an earlier process: committing them',
    );
  }
  const trail = createAuditTrail(writer, {
    file: spoolFile,
    recovered,
    onSpooled: (pending) => metrics.auditSpooled(pending),
    onError: (error) => logger.warn({ err: error }, 'audit rows spooled: Postgres refused them'),
  });
  infra.onClose(() => trail.close());
  return {
    trail,
    queries: createPostgresAuditQueries(infra.database),
    search: {
      store: guardAvailability(
        createPostgresAuditSearchStore(infra.database),
        'postgres',
        isPostgresOutage,
      ),
      phones: infra.phones,
      cursors: createAuditCursorCodec(infra.keys.auditCursorKey),
    },
  };
}
