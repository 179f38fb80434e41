import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { Logger } from '../telemetry/logger.ts';
import { createAuditCursorCodec } from './audit-cursor.ts';
import type { AuditSearchDeps } from './audit-search.ts';
import { type AuditChainChecker, createChainChecker } from './chain-report.ts';
import {
  type Checkpointer,
  type CheckpointSink,
  createCheckpointer,
  fileSink,
  webhookSink,
} from './checkpoints.ts';
import { createMerkleLogReader, type MerkleLogReader } from './merkle-log.ts';
import { createPostgresAuditSearchStore } from './postgres-audit-search.ts';
import { createPostgresAuditQueries, createPostgresAuditWriter } from './postgres-writer.ts';
import { createNoteSigner, type NoteSigner } from './signed-note.ts';
import { createSpoolFile } from './spool-file.ts';
import type { AuditStatsReader } from './stats.ts';
import { createPostgresStatsReader } from './stats-query.ts';
import { createAuditTrail } from './trail.ts';
import type { AuditQueries, AuditTrail } from './types.ts';

export interface AuditInfra {
  database: Database;
  logger: Logger;
  metrics: {
    auditCommitted(events: number, waits: readonly number[]): void;
    auditSpooled(pending: number): void;
  };
  config: Pick<Config, 'auditSpoolDir' | 'auditLog'>;
  /** Phone filters of searches are matched through every HMAC the number may carry. */
  subjects: SubjectHmacs;
  keys: Pick<DerivedKeys, 'auditCursorKey' | 'auditSigningSeed'>;
  clock: Clock;
  /** Closers run in reverse order of registration when the runtime closes. */
  onClose(close: () => Promise<void>): void;
}

export interface AuditModule {
  /** How verbs record decisions (commit, or commit-or-spool). */
  trail: AuditTrail;
  /** Commits what the spool holds now; resolves to the rows still in it (on disk, for the next start). */
  flush(): Promise<number>;
  queries: AuditQueries;
  /** What the audit endpoints (and any reader of the trail for people) are given. */
  search: AuditSearchDeps;
  /** SMS outcomes per bucket, from the hourly counts kept with the events. */
  stats: AuditStatsReader;
  /** The hash chain's state, for an app or an operator. */
  chain: AuditChainChecker;
  /** Each app's Merkle log: its proofs and its signed checkpoints. */
  log: AuditLog;
}

export interface AuditLog {
  reader: MerkleLogReader;
  checkpointer: Checkpointer;
  signer: NoteSigner;
  database: Database;
}

/** At most one checkpoint per app this often, when its log grew (issue 15). */
export const CHECKPOINT_EVERY_MS = 10_000;

/** The deployment's checkpoint signer: AUDIT_SIGNING_KEY, else the key derived from SECRET_KEY. */
export function auditLogSigner(
  config: Pick<Config, 'auditLog'>,
  keys: Pick<DerivedKeys, 'auditSigningSeed'>,
): NoteSigner {
  return createNoteSigner(
    config.auditLog.name,
    config.auditLog.signingKey ?? keys.auditSigningSeed,
  );
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

  const { checkpointFile, witnessUrl } = infra.config.auditLog;
  const sinks: CheckpointSink[] = [
    ...(checkpointFile ? [fileSink(checkpointFile)] : []),
    ...(witnessUrl ? [webhookSink(witnessUrl)] : []),
  ];
  const signer = auditLogSigner(infra.config, infra.keys);
  const reader = createMerkleLogReader(infra.database);
  const checkpointer = createCheckpointer({
    database: infra.database,
    reader,
    signer,
    clock: infra.clock,
    sinks,
    onError: (error, where) =>
      logger.warn(
        { err: error, where },
        'audit checkpoint failed (Postgres keeps the log; the next round retries)',
      ),
  });
  checkpointer.start(CHECKPOINT_EVERY_MS);
  // Registered after the trail's closer, so it runs before it: no round starts on a closed database.
  infra.onClose(() => checkpointer.close());
  return {
    trail,
    flush: async () => {
      await trail.flush();
      return trail.pending();
    },
    queries: createPostgresAuditQueries(infra.database),
    search: {
      store: guardAvailability(
        createPostgresAuditSearchStore(infra.database),
        'postgres',
        isPostgresOutage,
      ),
      phones: infra.subjects,
      cursors: createAuditCursorCodec(infra.keys.auditCursorKey),
    },
    stats: createPostgresStatsReader(infra.database),
    chain: createChainChecker(infra.database),
    log: { reader, checkpointer, signer, database: infra.database },
  };
}
