import { RefusedError } from '../kernel/errors.ts';
import type { StoredCheckpoint } from './checkpoints.ts';
import { type ExportLine, exportLine } from './export-line.ts';
import { consistencyRanges, inclusionRanges } from './merkle.ts';
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

/**
 * The newest checkpoint, re-signed first when the log grew past it; `newest` is the one already
 * read alongside the other reads of the request (the common case: the log has not grown, and no
 * further query is needed).
 */
async function currentCheckpoint(
  log: AuditLog,
  appId: string,
  newest: StoredCheckpoint | null,
  logSize: number,
): Promise<StoredCheckpoint> {
  return newest && newest.size >= logSize ? newest : findCheckpoint(log, appId);
}

/**
 * RFC 9162 §2.1.3: the event is leaf `leafIndex` of the tree of `size` (default: newest checkpoint).
 * Two sequential reads when the newest checkpoint is current: the event with its leaf and the
 * log's size beside the checkpoint, then the path's and the root's stored subtrees in one query.
 */
export async function proveInclusion(
  log: AuditLog,
  appId: string,
  eventId: string,
  size?: number,
): Promise<InclusionProof> {
  const [leaf, stored] = await Promise.all([
    log.reader.locate(appId, eventId),
    log.checkpointer.find(appId, size),
  ]);
  // Another app's event is as unknown as a missing one.
  if (!leaf) {
    throw new RefusedError('audit_event_not_found', 'No audit event of this app has this id.');
  }
  const checkpoint =
    size === undefined ? await currentCheckpoint(log, appId, stored, leaf.logSize) : stored;
  const treeSize = checkpoint?.size ?? size!;
  assertWithinLog(leaf.logSize, treeSize);
  if (leaf.index >= treeSize) {
    throw new RefusedError(
      'invalid_request',
      `The event is leaf ${leaf.index}: a tree of ${treeSize} events does not hold it yet.`,
    );
  }
  const hashes = await log.reader.hashes(appId, [
    ...inclusionRanges(leaf.index, treeSize),
    { begin: 0, end: treeSize },
  ]);
  return {
    event: exportLine(leaf.event, leaf.index),
    leafIndex: leaf.index,
    treeSize,
    leafHash: leaf.hash,
    path: hashes.slice(0, -1),
    root: hashes[hashes.length - 1]!,
    checkpoint,
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
  const [logSize, stored, fromCheckpoint] = await Promise.all([
    log.reader.size(appId),
    log.checkpointer.find(appId, to),
    log.checkpointer.find(appId, from),
  ]);
  const toCheckpoint =
    to === undefined ? await currentCheckpoint(log, appId, stored, logSize) : stored;
  const toSize = toCheckpoint?.size ?? to!;
  assertWithinLog(logSize, toSize);
  if (from < 1 || from > toSize) {
    throw new RefusedError(
      'invalid_request',
      `"from" must be between 1 and the later size (${toSize}).`,
    );
  }
  const hashes = await log.reader.hashes(appId, [
    ...consistencyRanges(from, toSize),
    { begin: 0, end: from },
    { begin: 0, end: toSize },
  ]);
  return {
    from,
    to: toSize,
    fromRoot: hashes[hashes.length - 2]!,
    toRoot: hashes[hashes.length - 1]!,
    path: hashes.slice(0, -2),
    checkpoints: { from: fromCheckpoint, to: toCheckpoint },
  };
}

/** A size a proof may name: from 1 to the log's size now. */
function assertWithinLog(current: number, size: number): void {
  if (size < 1 || size > current) {
    throw new RefusedError(
      'invalid_request',
      `This app's log holds ${current} events: a size must be between 1 and ${current}.`,
    );
  }
}
