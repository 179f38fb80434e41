import { eq } from 'drizzle-orm';
import { auditEvents } from '../db/schema.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { StoredCheckpoint } from './checkpoints.ts';
import { type ExportLine, exportLine } from './export-line.ts';
import type { AuditEventType } from './types.ts';
import type { AuditLog } from './wire.ts';

/**
 * The reads behind GET /v1/audit/checkpoint, /events/{id}/proof and /consistency: always about
 * the caller's own app, and by default against its newest signed checkpoint (signed now if the log
 * grew since), so each proof comes with a signed root a third party can check.
 */

/** The checkpoint of `size` leaves, or the newest one (signed on demand). */
export async function findCheckpoint(
  log: AuditLog,
  appId: string,
  size?: number,
): Promise<StoredCheckpoint> {
  const found =
    size === undefined
      ? await log.checkpointer.checkpoint(appId)
      : await log.checkpointer.find(appId, size);
  if (!found) {
    throw new RefusedError(
      'checkpoint_not_found',
      size === undefined
        ? 'This app has no audit event yet, so no checkpoint.'
        : `No checkpoint of ${size} events was signed for this app.`,
    );
  }
  return found;
}

export interface InclusionProof {
  event: ExportLine;
  leafIndex: number;
  treeSize: number;
  leafHash: Buffer;
  path: Buffer[];
  root: Buffer;
  /** The signed checkpoint of treeSize, when one was signed at that size. */
  checkpoint: StoredCheckpoint | null;
}

/** RFC 9162 §2.1.3: the event is leaf `leafIndex` of the tree of `size` (default: newest checkpoint). */
export async function proveInclusion(
  log: AuditLog,
  appId: string,
  eventId: string,
  size?: number,
): Promise<InclusionProof> {
  const leaf = await log.reader.leafOf(eventId);
  // Another app's event is as unknown as a missing one.
  if (!leaf || leaf.appId !== appId) {
    throw new RefusedError('audit_event_not_found', 'No audit event of this app has this id.');
  }
  const checkpoint = size === undefined ? await findCheckpoint(log, appId) : null;
  const treeSize = checkpoint?.size ?? size!;
  await assertWithinLog(log, appId, treeSize);
  if (leaf.index >= treeSize) {
    throw new RefusedError(
      'invalid_request',
      `The event is leaf ${leaf.index}: a tree of ${treeSize} events does not hold it yet.`,
    );
  }
  const [rows, path, root] = await Promise.all([
    log.database.db.select().from(auditEvents).where(eq(auditEvents.id, eventId)),
    log.reader.inclusionProof(appId, leaf.index, treeSize),
    log.reader.root(appId, treeSize),
  ]);
  const row = rows[0];
  if (!row)
    throw new RefusedError('audit_event_not_found', 'No audit event of this app has this id.');
  return {
    event: exportLine({ ...row, type: row.type as AuditEventType }, leaf.index),
    leafIndex: leaf.index,
    treeSize,
    leafHash: leaf.hash,
    path,
    root,
    checkpoint: checkpoint ?? (await log.checkpointer.find(appId, treeSize)),
  };
}

export interface ConsistencyProof {
  from: number;
  to: number;
  fromRoot: Buffer;
  toRoot: Buffer;
  path: Buffer[];
  checkpoints: { from: StoredCheckpoint | null; to: StoredCheckpoint | null };
}

/** RFC 9162 §2.1.4: the tree of `from` events is a prefix of that of `to` (default: newest checkpoint). */
export async function proveConsistency(
  log: AuditLog,
  appId: string,
  from: number,
  to?: number,
): Promise<ConsistencyProof> {
  const newest = to === undefined ? await findCheckpoint(log, appId) : null;
  const toSize = newest?.size ?? to!;
  await assertWithinLog(log, appId, toSize);
  if (from < 1 || from > toSize) {
    throw new RefusedError(
      'invalid_request',
      `"from" must be between 1 and the later size (${toSize}).`,
    );
  }
  const [path, fromRoot, toRoot, fromCheckpoint, toCheckpoint] = await Promise.all([
    log.reader.consistencyProof(appId, from, toSize),
    log.reader.root(appId, from),
    log.reader.root(appId, toSize),
    log.checkpointer.find(appId, from),
    newest ?? log.checkpointer.find(appId, toSize),
  ]);
  return {
    from,
    to: toSize,
    fromRoot,
    toRoot,
    path,
    checkpoints: { from: fromCheckpoint, to: toCheckpoint },
  };
}

async function assertWithinLog(log: AuditLog, appId: string, size: number): Promise<void> {
  const current = await log.reader.size(appId);
  if (size < 1 || size > current) {
    throw new RefusedError(
      'invalid_request',
      `This app's log holds ${current} events: a size must be between 1 and ${current}.`,
    );
  }
}
