import { appendFile } from 'node:fs/promises';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditCheckpoints } from '../db/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { type MerkleLogReader, recomputeLog } from './merkle-log.ts';
import { checkpointText, type NoteSigner, openCheckpoint } from './signed-note.ts';

/** A signed checkpoint of one app's log, as stored and served. */
export interface StoredCheckpoint {
  appId: string;
  size: number;
  root: Buffer;
  /** The C2SP signed note, byte for byte. */
  note: string;
  createdAt: Date;
}

/** Somewhere outside Postgres a new checkpoint is also written, so rewriting the database shows. */
export type CheckpointSink = (checkpoint: StoredCheckpoint) => Promise<void>;

/** Appends each checkpoint to a file as one JSON line: `{"app_id","tree_size","note"}`. */
export function fileSink(path: string): CheckpointSink {
  return (checkpoint) =>
    appendFile(path, `${checkpointLine(checkpoint)}\n`, { encoding: 'utf8', flag: 'a' });
}

/** POSTs each signed note (text/plain) to a witness; a refusal fails the sink's write. */
export function webhookSink(url: string, fetchImpl: typeof fetch = fetch): CheckpointSink {
  return async (checkpoint) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: checkpoint.note,
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`the witness answered ${response.status}`);
  };
}

export function checkpointLine(checkpoint: StoredCheckpoint): string {
  return JSON.stringify({
    app_id: checkpoint.appId,
    tree_size: checkpoint.size,
    note: checkpoint.note,
  });
}

/** The origin line of an app's checkpoints: the deployment's log name, then the app. */
export function originOf(logName: string, appId: string): string {
  return `${logName}/${appId}`;
}

export interface Checkpointer {
  /** Signs and keeps a checkpoint of the app's log now, unless the newest one has its size. */
  checkpoint(appId: string): Promise<StoredCheckpoint | null>;
  /** The newest checkpoint, or the one of exactly `size` leaves. */
  find(appId: string, size?: number): Promise<StoredCheckpoint | null>;
  /** Checkpoints every app whose log grew since its newest checkpoint. */
  checkpointGrown(): Promise<number>;
  /** Runs checkpointGrown every `everyMs` until close(). */
  start(everyMs: number): void;
  close(): Promise<void>;
}

export interface CheckpointerDeps {
  database: Database;
  reader: MerkleLogReader;
  signer: NoteSigner;
  clock: Clock;
  sinks: readonly CheckpointSink[];
  /** A sink or a timed round failed; the checkpoint is in Postgres all the same. */
  onError(error: unknown, where: string): void;
}

export function createCheckpointer(deps: CheckpointerDeps): Checkpointer {
  const { database, reader, signer } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();

  async function find(appId: string, size?: number): Promise<StoredCheckpoint | null> {
    const rows = await database.db
      .select()
      .from(auditCheckpoints)
      .where(
        size === undefined
          ? eq(auditCheckpoints.appId, appId)
          : and(eq(auditCheckpoints.appId, appId), eq(auditCheckpoints.treeSize, size)),
      )
      .orderBy(desc(auditCheckpoints.treeSize))
      .limit(1);
    const row = rows[0];
    return row
      ? {
          appId: row.appId,
          size: row.treeSize,
          root: row.rootHash,
          note: row.note,
          createdAt: row.createdAt,
        }
      : null;
  }

  async function checkpoint(appId: string): Promise<StoredCheckpoint | null> {
    const size = await reader.size(appId);
    if (size === 0) return null;
    const newest = await find(appId);
    if (newest && newest.size >= size) return newest;
    const root = await reader.root(appId, size);
    const note = signer.sign(checkpointText({ origin: originOf(signer.name, appId), size, root }));
    const made: StoredCheckpoint = {
      appId,
      size,
      root,
      note,
      createdAt: new Date(deps.clock.now()),
    };
    // Another process may have signed the same size first: theirs is kept, and already sunk.
    const inserted = await database.db
      .insert(auditCheckpoints)
      .values({ appId, treeSize: size, rootHash: root, note, createdAt: made.createdAt })
      .onConflictDoNothing()
      .returning({ size: auditCheckpoints.treeSize });
    if (inserted.length === 0) return find(appId, size);
    await Promise.all(
      deps.sinks.map((sink) => sink(made).catch((error) => deps.onError(error, 'sink'))),
    );
    return made;
  }

  async function checkpointGrown(): Promise<number> {
    const { rows } = await database.db.execute<{ app_id: string }>(
      sql`select h.app_id from audit_tree_heads h
          where h.size > coalesce((select max(c.tree_size) from audit_checkpoints c
                                   where c.app_id = h.app_id), 0)`,
    );
    for (const row of rows) await checkpoint(row.app_id);
    return rows.length;
  }

  return {
    checkpoint,
    find,
    checkpointGrown,
    start(everyMs) {
      if (timer) return;
      timer = setInterval(() => {
        // One round at a time: a slow database skips ticks rather than piling them up.
        running = running.then(() =>
          checkpointGrown().catch((error) => deps.onError(error, 'timer')),
        );
      }, everyMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

export type LogVerification =
  | { ok: true; checked: number; checkpoint: { size: number; root: string } | null }
  | {
      ok: false;
      checked: number;
      /** The first event found changed or missing, when one is. */
      brokenAt: string | null;
      /** The checkpoint the rows contradict, when they do. */
      checkpoint: { size: number; root: string } | null;
      problem: string;
    };

/**
 * For GET /v1/audit/verify: recomputes the app's log from its rows up to its newest checkpoint and
 * compares the root with the signed one. A changed or deleted row is named; a removed tail (rows
 * and log alike) contradicts the checkpoint. The checkpoint's signature is checked too, so a
 * row rewritten together with its stored checkpoint still shows, unless the key is stolen.
 */
export async function verifyAppLog(
  database: Database,
  checkpointer: Pick<Checkpointer, 'find'>,
  signer: Pick<NoteSigner, 'name' | 'publicKey' | 'keyId'>,
  appId: string,
): Promise<LogVerification> {
  const newest = await checkpointer.find(appId);
  if (!newest) return { ok: true, checked: 0, checkpoint: null };
  const summary = { size: newest.size, root: newest.root.toString('base64') };
  const signed = openCheckpoint(newest.note, signer);
  if (!signed || signed.size !== newest.size || !signed.root.equals(newest.root)) {
    return {
      ok: false,
      checked: 0,
      brokenAt: null,
      checkpoint: summary,
      problem: 'the newest checkpoint is not signed by this deployment key',
    };
  }
  const result = await recomputeLog(database, appId, signed.size);
  if (!result.ok) {
    return {
      ok: false,
      checked: result.size,
      brokenAt: result.eventId,
      checkpoint: summary,
      problem: result.problem,
    };
  }
  if (!result.root.equals(signed.root)) {
    return {
      ok: false,
      checked: result.size,
      brokenAt: null,
      checkpoint: summary,
      problem: `the rows give another root than the checkpoint of ${signed.size} leaves`,
    };
  }
  return { ok: true, checked: result.size, checkpoint: summary };
}
