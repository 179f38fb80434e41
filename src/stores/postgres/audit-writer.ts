import { asc, desc, eq, gt, sql } from 'drizzle-orm';
import {
  type ChainedAuditEvent,
  type ChainVerification,
  canonicalEvent,
  chainHash,
  GENESIS_HASH,
  verifyChain,
} from '../../domain/hash-chain.ts';
import { newId } from '../../domain/ids.ts';
import type { AuditEvent, AuditEventType, AuditWriter } from '../../services/ports.ts';
import type { Database } from './database.ts';
import { auditEvents } from './schema.ts';

// Any fixed number works; every Tessera process on one database must use the same one so that
// they all extend one chain. Distinct from the migration lock in database.ts.
const AUDIT_CHAIN_LOCK_ID = 7_361_552_045;

// Rows per INSERT statement: 15 parameters a row keeps 1,000 rows well under PostgreSQL's
// 65,535 bind parameters, whatever maxBatch is.
const INSERT_CHUNK = 1_000;

export interface PostgresAuditWriterOptions {
  /** Most events written by one transaction (default 500); one append() is never split. */
  maxBatch?: number;
  /** Called after each committed transaction with the number of events it wrote. */
  onBatch?: (events: number) => void;
}

export interface PostgresAuditWriter extends AuditWriter {
  /** Refuses new appends and resolves once the queued ones are settled; the database stays open. */
  close(): Promise<void>;
}

/** One stored audit row, with its place in the chain. */
export interface AuditRecord extends ChainedAuditEvent {
  seq: number;
}

interface PreparedEvent {
  id: string;
  event: AuditEvent;
  canonical: string;
}

interface PendingAppend {
  events: PreparedEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The audit trail writer, with group commit: appends that arrive while a transaction is in flight
 * wait and are written together by the next one, so one transaction (one lock, one head read, one
 * INSERT, one commit) serves many requests. At most one transaction per writer is in flight.
 */
export function createPostgresAuditWriter(
  database: Database,
  options: PostgresAuditWriterOptions = {},
): PostgresAuditWriter {
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const queue: PendingAppend[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;

  function takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    let size = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      // One append() is all-or-nothing, so it goes whole into a batch, even an oversized one.
      if (batch.length > 0 && size + next.events.length > maxBatch) break;
      queue.shift();
      batch.push(next);
      size += next.events.length;
    }
    return batch;
  }

  async function writeBatch(events: PreparedEvent[]): Promise<void> {
    // READ COMMITTED explicitly: each statement then sees what was committed before it started,
    // so the head read after the lock sees the previous holder's rows. Under REPEATABLE READ the
    // snapshot would be taken by the lock statement itself, before the wait, and fork the chain.
    await database.transaction(
      async (tx) => {
        // Transaction-scoped: released by the commit or rollback, even if this process dies.
        await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_ID})`);
        const head = await tx
          .select({ hash: auditEvents.hash })
          .from(auditEvents)
          .orderBy(desc(auditEvents.seq))
          .limit(1);
        let prevHash = head[0]?.hash ?? GENESIS_HASH;
        const rows = events.map(({ id, event, canonical }) => {
          const hash = chainHash(prevHash, canonical);
          const row = { ...toColumns(id, event), prevHash, hash };
          prevHash = hash;
          return row;
        });
        // The identity column numbers rows in VALUES order, which is the chain order.
        for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
          await tx.insert(auditEvents).values(rows.slice(start, start + INSERT_CHUNK));
        }
      },
      { isolationLevel: 'read committed' },
    );
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = takeBatch();
      const events = batch.flatMap((pending) => pending.events);
      try {
        await writeBatch(events);
      } catch (error) {
        // Rolled back, so none of these events is in the trail (short of a connection lost during
        // COMMIT itself, which no client can tell apart); each caller decides (the API answers 503).
        for (const pending of batch) pending.reject(error);
        continue;
      }
      for (const pending of batch) pending.resolve();
      try {
        options.onBatch?.(events.length);
      } catch {
        // A failing observer must not stop the writer; the events are committed either way.
      }
    }
  }

  function schedule(): void {
    if (draining) return;
    draining = (async () => {
      // Lets the appends made in the same tick join the first batch.
      await Promise.resolve();
      await drain();
    })().finally(() => {
      draining = null;
      // An append made between the end of drain() and this callback saw a drain still running.
      if (queue.length > 0) schedule();
    });
  }

  return {
    append(events) {
      if (closed) return Promise.reject(new Error('audit writer is closed'));
      if (events.length === 0) return Promise.resolve();
      let prepared: PreparedEvent[];
      try {
        // Serialised here, outside the transaction and its lock: a bad event (an invalid date,
        // a BigInt in detail) fails its own append only, and the lock is held for less time.
        prepared = events.map((event) => {
          const id = newId('evt');
          const normalised = normaliseEvent(event);
          return { id, event: normalised, canonical: canonicalEvent({ ...normalised, id }) };
        });
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ events: prepared, resolve, reject });
        schedule();
      });
    },

    async close() {
      closed = true;
      while (draining) await draining;
    },
  };
}

/** Events of one app, oldest first (by seq). */
export async function readAuditEvents(
  database: Database,
  appId: string,
  options: { limit: number },
): Promise<AuditRecord[]> {
  const rows = await database.db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.appId, appId))
    .orderBy(asc(auditEvents.seq))
    .limit(options.limit);
  return rows.map(fromRow);
}

// Keeps memory flat however long the trail is.
const VERIFY_PAGE = 5_000;

/** Walks the whole chain in seq order and reports the first event that does not fit. */
export async function verifyAuditChain(database: Database): Promise<ChainVerification> {
  let state = { head: GENESIS_HASH, checked: 0 };
  let afterSeq = 0;
  for (;;) {
    const rows = await database.db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, afterSeq))
      .orderBy(asc(auditEvents.seq))
      .limit(VERIFY_PAGE);
    const result = verifyChain(rows.map(fromRow), state);
    if (!result.ok || rows.length < VERIFY_PAGE) return result;
    state = { head: result.head, checked: result.checked };
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/** The event exactly as the database will return it, so the hash computed now still matches. */
function normaliseEvent(event: AuditEvent): AuditEvent {
  const text = (value: string | null | undefined) => (value == null ? null : storable(value));
  return {
    appId: storable(event.appId),
    type: event.type,
    verificationId: text(event.verificationId),
    purpose: text(event.purpose),
    phoneMasked: text(event.phoneMasked),
    phoneHmac: text(event.phoneHmac),
    clientIp: text(event.clientIp),
    userAgent: text(event.userAgent),
    outcome: storable(event.outcome),
    reason: text(event.reason),
    // The JSON round trip drops undefined members and turns Dates into strings, as jsonb would.
    detail: storableJson(JSON.parse(JSON.stringify(event.detail ?? {}))) as Record<string, unknown>,
    // A copy: the caller may reuse its Date object.
    createdAt: new Date(event.createdAt.getTime()),
  };
}

// PostgreSQL refuses NUL in text and jsonb, and a lone UTF-16 surrogate reaches it as U+FFFD (or
// is refused inside jsonb). Left as they are, one such character in a client-supplied field (the
// user agent) would fail the whole batch, or be stored differently from what was hashed and show
// as a broken chain; replaced here, the event is recorded and hashed as stored.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what has to be found.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [storable(key), storableJson(member)]),
    );
  }
  return value;
}

function toColumns(id: string, event: AuditEvent) {
  return {
    id,
    appId: event.appId,
    type: event.type,
    verificationId: event.verificationId,
    purpose: event.purpose,
    phoneMasked: event.phoneMasked,
    phoneHmac: event.phoneHmac,
    clientIp: event.clientIp,
    userAgent: event.userAgent,
    outcome: event.outcome,
    reason: event.reason,
    detail: event.detail,
    createdAt: event.createdAt,
  };
}

function fromRow(row: typeof auditEvents.$inferSelect): AuditRecord {
  // A type this release does not know (written by a newer one) is still returned and hashed as is.
  return { ...row, type: row.type as AuditEventType };
}
