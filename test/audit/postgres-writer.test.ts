import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { GENESIS_HASH } from '../../src/audit/hash-chain.ts';
import {
  createPostgresAuditWriter,
  type PostgresAuditWriter,
  readAuditEvents,
} from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { hasIdShape } from '../../src/kernel/ids.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

const auditEvent = makeAuditEvent;

async function tableCount(database: Database): Promise<number> {
  const result = await database.db.execute<{ n: number }>(
    sql`select count(*)::int as n from audit_events`,
  );
  return result.rows[0]?.n ?? 0;
}

/** Every row, oldest first, with the markers the concurrency tests put in `detail`. */
async function markers(database: Database): Promise<Array<{ seq: number; tag: string }>> {
  const result = await database.db.execute<{ seq: string; tag: string | null }>(
    // Ordered by the bigint column, not by the text alias of the same name.
    sql`select seq::text as seq, detail->>'tag' as tag from audit_events order by audit_events.seq`,
  );
  return result.rows.map((row) => ({ seq: Number(row.seq), tag: row.tag ?? '' }));
}

/** The message of an error and of its causes: drizzle wraps the server's error in `cause`. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(' | ');
}

/** Settles with the error text, or fails the test: the statement must have been refused. */
async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return errorText(error);
  }
  throw new Error('the statement was expected to fail');
}

/**
 * `workers` callers each appending `perWorker` times in a row, the way request handlers would:
 * a new append arrives as soon as the previous one of that caller is committed.
 */
async function runWorkers(
  writer: PostgresAuditWriter,
  label: string,
  workers: number,
  perWorker: number,
): Promise<{ appends: number; events: number; seconds: number }> {
  let events = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let round = 0; round < perWorker; round += 1) {
        const size = 1 + ((worker + round) % 3);
        const tag = `${label}:${worker}:${round}`;
        events += size;
        await writer.append(
          Array.from({ length: size }, (_, part) =>
            auditEvent({ type: 'sms.sent', detail: { tag, part } }),
          ),
        );
      }
    }),
  );
  return { appends: workers * perWorker, events, seconds: (performance.now() - started) / 1000 };
}

/** Each append's events are contiguous in seq order, in the order they were given. */
function expectAppendsContiguous(rows: Array<{ seq: number; tag: string }>, prefix: string): void {
  const byTag = new Map<string, number[]>();
  rows.forEach((row, position) => {
    if (!row.tag.startsWith(prefix)) return;
    const positions = byTag.get(row.tag) ?? [];
    positions.push(position);
    byTag.set(row.tag, positions);
  });
  expect(byTag.size).toBeGreaterThan(0);
  for (const [tag, positions] of byTag) {
    const first = positions[0]!;
    expect(positions, tag).toEqual(positions.map((_, index) => first + index));
  }
}

describe.each(DATABASE_BACKENDS)('postgres audit writer over $name', (backend) => {
  describe.skipIf(!backend.available)('contract', () => {
    let database: Database;
    let drop: () => Promise<void>;
    let openAnother: (() => Promise<Database>) | undefined;
    let writer: PostgresAuditWriter;
    const batches: number[] = [];
    const waits: number[][] = [];

    beforeAll(async () => {
      ({ database, drop, openAnother } = await backend.open());
      await migrateDatabase(database);
      writer = createPostgresAuditWriter(database, {
        onBatch: (size, waited) => {
          batches.push(size);
          waits.push([...waited]);
        },
      });
    });

    afterAll(async () => {
      await writer?.close();
      await database?.close();
      await drop?.();
    });

    it('stores appended events with every field, first one chained to the genesis hash', async () => {
      const createdAt = new Date('2026-03-01T12:34:56.789Z');
      const first = auditEvent({
        appId: 'app_fields',
        createdAt,
        detail: { route: 'primary', nested: { list: [1, 'two', null], flag: true } },
      });
      const second = auditEvent({
        appId: 'app_fields',
        type: 'check.refused',
        verificationId: null,
        purpose: null,
        phoneMasked: null,
        phoneHmac: null,
        clientIp: null,
        userAgent: null,
        outcome: 'refused',
        reason: 'phone_failed_checks',
        createdAt: new Date(createdAt.getTime() + 1),
      });

      const before = Date.now();
      await writer.append([first, second]);
      const after = Date.now();

      const rows = await readAuditEvents(database, 'app_fields', { limit: 10 });
      expect(rows).toHaveLength(2);
      const [one, two] = rows as [(typeof rows)[0], (typeof rows)[0]];
      const { createdAt: _first, ...firstFields } = first;
      const { createdAt: _second, ...secondFields } = second;
      expect(one).toMatchObject({ ...firstFields, prevHash: GENESIS_HASH });
      expect(two).toMatchObject({ ...secondFields, prevHash: one.hash });
      // Dated by the database when it appends them (migration 0007), not by the caller.
      for (const row of rows) {
        expect(row.createdAt).toBeInstanceOf(Date);
        expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(row.createdAt.getTime()).toBeLessThanOrEqual(after);
      }
      expect(two.seq).toBeGreaterThan(one.seq);
      for (const row of rows) {
        expect(hasIdShape('evt', row.id)).toBe(true);
        expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      }

      // detail is a jsonb object, queryable by SIEM tools, not a JSON string inside jsonb.
      const stored = await database.db.execute<{ kind: string; route: string }>(
        sql`select jsonb_typeof(detail) as kind, detail->>'route' as route
            from audit_events where id = ${one.id}`,
      );
      expect(stored.rows[0]).toEqual({ kind: 'object', route: 'primary' });
      expect(await verifyAuditChain(database)).toEqual({ ok: true, checked: 2, head: two.hash });
    });

    it('limits and orders the events it reads to one app', async () => {
      await writer.append([auditEvent({ appId: 'app_other', detail: { n: 1 } })]);
      await writer.append([
        auditEvent({ appId: 'app_read', detail: { n: 1 } }),
        auditEvent({ appId: 'app_read', detail: { n: 2 } }),
        auditEvent({ appId: 'app_read', detail: { n: 3 } }),
      ]);

      const rows = await readAuditEvents(database, 'app_read', { limit: 2 });

      expect(rows.map((row) => row.detail)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(rows.every((row) => row.appId === 'app_read')).toBe(true);
    });

    it('records characters PostgreSQL cannot store, replaced, without breaking the chain', async () => {
      await writer.append([
        auditEvent({
          appId: 'app_odd',
          userAgent: 'evil\u0000agent\uD800',
          detail: { note: 'nul\u0000', 'key\uDC00': 'lone' },
        }),
      ]);

      const [row] = await readAuditEvents(database, 'app_odd', { limit: 1 });
      expect(row?.userAgent).toBe('evil\uFFFDagent\uFFFD');
      expect(row?.detail).toEqual({ note: 'nul\uFFFD', 'key\uFFFD': 'lone' });
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true });
    });

    it('rejects only the append holding an event it cannot serialise', async () => {
      const before = await tableCount(database);

      const results = await Promise.allSettled([
        writer.append([auditEvent({ detail: { tag: 'good-1' } })]),
        writer.append([auditEvent({ createdAt: new Date(Number.NaN) })]),
        writer.append([auditEvent({ detail: { big: 1n } })]),
        writer.append([auditEvent({ detail: { tag: 'good-2' } })]),
      ]);

      expect(results.map((result) => result.status)).toEqual([
        'fulfilled',
        'rejected',
        'rejected',
        'fulfilled',
      ]);
      expect(await tableCount(database)).toBe(before + 2);
    });

    it('group-commits 200 concurrent appends into one valid chain', async () => {
      const before = batches.length;
      let total = 0;
      const appends = Array.from({ length: 200 }, (_, index) => {
        const size = 1 + (index % 3);
        total += size;
        return writer.append(
          Array.from({ length: size }, (_, part) =>
            auditEvent({ type: 'check.wrong', detail: { tag: `burst:${index}`, part } }),
          ),
        );
      });

      await expect(Promise.all(appends)).resolves.toBeDefined();

      const transactions = batches.length - before;
      expect(transactions).toBeGreaterThan(0);
      expect(transactions).toBeLessThan(20);
      expect(batches.slice(before).reduce((sum, size) => sum + size, 0)).toBe(total);
      expect(Math.max(...batches.slice(before))).toBeLessThanOrEqual(500);
      // One wait per append, each from its call to its commit.
      const waited = waits.slice(before).flat();
      expect(waited).toHaveLength(200);
      for (const seconds of waited) expect(seconds).toBeGreaterThan(0);
      expectAppendsContiguous(await markers(database), 'burst:');
      const verification = await verifyAuditChain(database);
      expect(verification).toMatchObject({ ok: true, checked: await tableCount(database) });
    });

    it('keeps up with callers appending back to back', async () => {
      const before = batches.length;

      const run = await runWorkers(writer, 'workers', 50, 20);

      const transactions = batches.length - before;
      const rate = Math.round(run.appends / run.seconds);
      process.stdout.write(
        `[audit writer ${backend.name}] ${run.appends} appends (${run.events} events) in ` +
          `${run.seconds.toFixed(2)} s: ${rate} appends/s, ` +
          `${Math.round(run.events / run.seconds)} events/s, ${transactions} transactions\n`,
      );
      // Printed, not asserted: speed depends on the machine. Batching is what is asserted.
      expect(transactions).toBeLessThan(run.appends / 4);
      expectAppendsContiguous(await markers(database), 'workers:');
      expect(await verifyAuditChain(database)).toMatchObject({
        ok: true,
        checked: await tableCount(database),
      });
    });

    // Only a server database can be opened twice (PGlite is one process).
    if (backend.multiProcess) {
      it('keeps one chain when two processes append to the same database', async () => {
        const other = await openAnother!();
        const otherWriter = createPostgresAuditWriter(other, { maxBatch: 7 });
        try {
          const before = await tableCount(database);

          const [mine, theirs] = await Promise.all([
            runWorkers(writer, 'proc-a', 30, 10),
            runWorkers(otherWriter, 'proc-b', 30, 10),
          ]);

          expect(await tableCount(database)).toBe(before + mine.events + theirs.events);
          const rows = await markers(database);
          expectAppendsContiguous(rows, 'proc-a:');
          expectAppendsContiguous(rows, 'proc-b:');
          expect(await verifyAuditChain(other)).toMatchObject({ ok: true, checked: rows.length });
        } finally {
          await otherWriter.close();
          await other.close();
        }
      });
    }

    it('refuses UPDATE, DELETE and TRUNCATE on audit_events', async () => {
      const before = await tableCount(database);
      const [row] = await readAuditEvents(database, 'app_fields', { limit: 1 });

      expect(
        await refused(
          database.db.execute(sql`update audit_events set outcome = 'ok' where id = ${row!.id}`),
        ),
      ).toMatch(/append-only: UPDATE refused/);
      expect(
        await refused(database.db.execute(sql`delete from audit_events where id = ${row!.id}`)),
      ).toMatch(/append-only: DELETE refused/);
      expect(await refused(database.db.execute(sql`truncate audit_events`))).toMatch(
        /append-only: TRUNCATE refused/,
      );

      expect(await tableCount(database)).toBe(before);
      const [again] = await readAuditEvents(database, 'app_fields', { limit: 1 });
      expect(again).toEqual(row);
    });

    it('reports the event a superuser edited behind the triggers, and the edit only', async () => {
      const [, target] = await readAuditEvents(database, 'app_read', { limit: 2 });
      const original = target!.clientIp;
      const setClientIp = async (value: string | null) => {
        // Only the table owner or a superuser can do this; the chain is what catches them.
        await database.db.execute(
          sql`alter table audit_events disable trigger audit_events_no_update_delete`,
        );
        try {
          await database.db.execute(
            sql`update audit_events set client_ip = ${value} where id = ${target!.id}`,
          );
        } finally {
          await database.db.execute(
            sql`alter table audit_events enable trigger audit_events_no_update_delete`,
          );
        }
      };

      await setClientIp('198.51.100.66');
      const broken = await verifyAuditChain(database);
      await setClientIp(original);
      const restored = await verifyAuditChain(database);

      expect(broken).toMatchObject({ ok: false, brokenAt: target!.id });
      expect(broken.checked).toBeGreaterThan(0);
      expect(restored).toMatchObject({ ok: true, checked: await tableCount(database) });
    });

    it('refuses appends once closed, after settling the queued ones', async () => {
      const closing = createPostgresAuditWriter(database);
      const queued = closing.append([auditEvent({ detail: { tag: 'before-close' } })]);

      await closing.close();

      await expect(queued).resolves.toBeUndefined();
      await expect(closing.append([auditEvent()])).rejects.toThrow(/closed/);
    });
  });
});

describe('postgres audit writer without a database', () => {
  it('rejects every waiting append when PostgreSQL is unreachable, and hangs none', async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/tessera' });
    const writer = createPostgresAuditWriter(database);
    try {
      const started = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) =>
          writer.append([auditEvent({ detail: { tag: `down:${index}` } })]),
        ),
      );
      // A later append, after the first batch failed, fails the same way.
      const later = await Promise.allSettled([writer.append([auditEvent()])]);

      for (const result of [...results, ...later]) {
        expect(result.status).toBe('rejected');
        if (result.status === 'rejected') expect(errorText(result.reason)).toMatch(/ECONNREFUSED/);
      }
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await writer.close();
      await database.close();
    }
  });
});
