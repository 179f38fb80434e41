import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditEvents } from '../db/schema.ts';
import { newId } from '../kernel/ids.ts';
import { postgresFailure, sqlState } from '../kernel/postgres-failure.ts';
import { type ChainedAuditEvent, eventColumns } from './hash-chain.ts';
import type { AuditEvent, AuditEventType, AuditQueries, AuditWriter } from './types.ts';

// Raised by tessera_append_audit when the transaction is not READ COMMITTED (see writeBatch).
const NEEDS_READ_COMMITTED = 'TA001';

export interface PostgresAuditWriterOptions {
  /** Most events written by one transaction (default 500); one append() is never split. */
  maxBatch?: number;
  /**
   * Batches sent at once (default 2). The chain lock serialises them inside Postgres, so the next
   * batch is already waiting there when the previous one commits, instead of a round trip later.
   */
  maxInFlight?: number;
  /**
   * Called after each committed transaction with the number of events it wrote and, for each
   * append() it served, the seconds from the call to the commit (what the request waited).
   */
  onBatch?: (events: number, waits: readonly number[]) => void;
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
  /** Its element of tessera_append_audit's argument, as JSON. */
  json: string;
}

interface PendingAppend {
  events: PreparedEvent[];
  /** performance.now() at append(). */
  since: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The audit trail writer, with group commit: appends that arrive while batches are in flight wait
 * and are written together by the next one, so one statement (one round trip, one transaction,
 * one lock) serves many requests. At most `maxInFlight` batches per writer are in flight.
 */
export function createPostgresAuditWriter(
  database: Database,
  options: PostgresAuditWriterOptions = {},
): PostgresAuditWriter {
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  const queue: PendingAppend[] = [];
  let inFlight = 0;
  let scheduled = false;
  let idle: { promise: Promise<void>; resolve: () => void } | null = null;
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

  // Set once the database refuses the autocommit path; stays set for this writer.
  let explicitTransaction = false;

  async function writeBatch(events: PreparedEvent[]): Promise<void> {
    const append = appendStatement(events);
    if (!explicitTransaction) {
      try {
        // One round trip: the statement is its own READ COMMITTED transaction (the default).
        await database.db.execute(append);
        return;
      } catch (error) {
        if (sqlState(error) !== NEEDS_READ_COMMITTED) throw error;
        // The session defaults to REPEATABLE READ or SERIALIZABLE (default_transaction_isolation
        // set on the database or role): the head read would use a snapshot older than the lock
        // and fork the chain, so the function refused. Nothing was written.
        explicitTransaction = true;
      }
    }
    await database.transaction((tx) => tx.execute(append), { isolationLevel: 'read committed' });
  }

  async function write(batch: PendingAppend[]): Promise<void> {
    const events = batch.flatMap((pending) => pending.events);
    try {
      await writeBatch(events);
    } catch (error) {
      // A connection lost while the statement ran leaves its outcome unknown: it may have
      // committed before the answer was lost. The ids tell (one statement, all or nothing), if
      // Postgres can be asked. Otherwise nothing was written; each caller decides (the API answers
      // 503 and undoes its change).
      if (!(outcomeUnknown(error) && (await allWritten(database, events)))) {
        for (const pending of batch) pending.reject(error);
        return;
      }
    }
    for (const pending of batch) pending.resolve();
    try {
      const now = performance.now();
      options.onBatch?.(
        events.length,
        batch.map((pending) => (now - pending.since) / 1000),
      );
    } catch {
      // A failing observer must not stop the writer; the events are committed either way.
    }
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        pump();
        if (inFlight === 0 && queue.length === 0 && idle) {
          idle.resolve();
          idle = null;
        }
      });
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // Lets the appends made in the same tick join one batch.
    queueMicrotask(() => {
      scheduled = false;
      pump();
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
        prepared = events.map(prepareEvent);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ events: prepared, since: performance.now(), resolve, reject });
        schedule();
      });
    },

    async close() {
      closed = true;
      if (inFlight === 0 && queue.length === 0 && !scheduled) return;
      if (!idle) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        idle = { promise, resolve };
      }
      await idle.promise;
    },
  };
}

function prepareEvent(event: AuditEvent): PreparedEvent {
  const id = event.id ?? newId('evt');
  return { id, json: JSON.stringify(toPayload(id, normaliseEvent(event))) };
}

/**
 * The statement that appends prepared events to the chain. The lock, the head read, the date, the
 * canonical texts, the hashes and the INSERT all run in the database, in tessera_append_audit
 * (migration 0007_audit_append_from_columns): what the chain vouches for is never the caller's
 * word. It needs READ COMMITTED (see writeBatch).
 */
function appendStatement(events: readonly PreparedEvent[]): SQL {
  const payload = `[${events.map((event) => event.json).join(',')}]`;
  return sql`select tessera_append_audit(${payload}::jsonb)`;
}

/**
 * For a store change that must commit with its audit rows (an API key, an app's settings): the
 * statement to run inside that change's READ COMMITTED transaction, bypassing the group commit.
 */
export function auditAppendStatement(events: readonly AuditEvent[]): SQL {
  return appendStatement(events.map(prepareEvent));
}

/** The AuditQueries port on the audit table. */
export function createPostgresAuditQueries(database: Database): AuditQueries {
  return {
    // Each app HMACs a number under its own subject key, so the number is looked up app by app: the apps
    // of the trail, then every (app, HMAC) pair in one query on the (app_id, phone_hmac) index.
    async appsThatMessaged(hmacsOf) {
      const apps = await auditedApps(database);
      const hmacs = await Promise.all(apps.map(hmacsOf));
      const pairs = apps.flatMap((app_id, i) =>
        (hmacs[i] ?? []).map((phone_hmac) => ({ app_id, phone_hmac })),
      );
      if (pairs.length === 0) return [];
      const rows = await database.db
        .selectDistinct({ appId: auditEvents.appId })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.type, 'sms.sent'),
            sql`(${auditEvents.appId}, ${auditEvents.phoneHmac}) in (
              select app_id, phone_hmac
                from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb)
                  as pair(app_id text, phone_hmac text))`,
          ),
        );
      return rows.map((row) => row.appId);
    },
  };
}

/**
 * Every app id in the trail, by a skip scan of the index led by app_id: one index probe per app
 * however many rows each has, where `select distinct` would read the whole index.
 */
async function auditedApps(database: Database): Promise<string[]> {
  const { rows } = await database.db.execute<{ app_id: string }>(sql`
    with recursive apps(app_id) as (
      (select app_id from audit_events order by app_id limit 1)
      union all
      select (select e.app_id from audit_events e
               where e.app_id > apps.app_id order by e.app_id limit 1)
        from apps where apps.app_id is not null
    )
    select app_id from apps where app_id is not null`);
  return rows.map((row) => row.app_id);
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

/**
 * One element of tessera_append_audit's argument: the row keyed by column. Without created_at,
 * which the database takes from its own clock (the event's createdAt is when the caller decided).
 */
function toPayload(id: string, event: AuditEvent) {
  // toISOString() still checks the date: an invalid one is a bug, refused with its append.
  const { created_at: _decidedAt, ...columns } = eventColumns({ ...event, id });
  return columns;
}

/**
 * The statement was sent and no answer came (the connection dropped, or the server shut down): it
 * may have committed. A statement that never left (connection refused, connect timeout) or that
 * Postgres answered with an error did not. The kernel's classifier reads drizzle's whole cause chain.
 */
function outcomeUnknown(error: unknown): boolean {
  return postgresFailure(error) === 'outage-outcome-unknown';
}

/** Whether every event's id is in the trail; false when Postgres cannot say. */
async function allWritten(database: Database, events: readonly PreparedEvent[]): Promise<boolean> {
  const ids = [...new Set(events.map((event) => event.id))];
  try {
    const rows = await database.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(inArray(auditEvents.id, ids));
    return rows.length === ids.length;
  } catch {
    return false;
  }
}

/** A stored row as the trail's reader returns it. */
export function fromRow(row: typeof auditEvents.$inferSelect): AuditRecord {
  // A type this release does not know (written by a newer one) is still returned and hashed as is.
  return { ...row, type: row.type as AuditEventType };
}
