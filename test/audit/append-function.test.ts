import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { canonicalEvent, chainHash, GENESIS_HASH } from '../../src/audit/hash-chain.ts';
import { createPostgresAuditWriter, readAuditEvents } from '../../src/audit/postgres-writer.ts';
import type { AuditEvent } from '../../src/audit/types.ts';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { auditEvents } from '../../src/db/schema.ts';
import { newId } from '../../src/kernel/ids.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';

// The audit writer extends the chain through the SQL function tessera_append_audit (migration
// 0003): these tests pin that the hashes PostgreSQL computes are exactly chainHash's.

const auditEvent = (overrides: Partial<AuditEvent> = {}): AuditEvent =>
  makeAuditEvent({
    appId: 'app_fn',
    type: 'sms.sent',
    userAgent: 'Mozilla/5.0',
    createdAt: new Date('2026-03-01T12:34:56.789Z'),
    ...overrides,
  });

// Non-ASCII in 2, 3 and 4 UTF-8 bytes, escapes JSON writes (quote, backslash, controls, U+2028),
// and the replacement character the writer substitutes for what PostgreSQL cannot store.
const AWKWARD = 'é 漢字 🔐 "q" \\ \t\n\u0001 \u2028 \uFFFD';

/** A Database whose statements are counted: `execute` calls and explicit transactions. */
function counting(database: Database) {
  const counts = { executes: 0, transactions: 0 };
  const db = new Proxy(database.db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'execute') {
        return (...args: unknown[]) => {
          counts.executes += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const wrapped: Database = {
    ...database,
    db,
    transaction: (work, options) => {
      counts.transactions += 1;
      return database.transaction(work, options);
    },
  };
  return { database: wrapped, counts };
}

describe.each(DATABASE_BACKENDS)('tessera_append_audit over $name', (backend) => {
  describe.skipIf(!backend.available)('hash chain', () => {
    let database: Database;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ database, drop } = await backend.open());
      await migrateDatabase(database);
    });

    afterAll(async () => {
      await database?.close();
      await drop?.();
    });

    it('hashes the UTF-8 bytes of prev_hash || text exactly as chainHash does', async () => {
      for (const text of ['', 'plain', AWKWARD, canonicalEvent({ ...auditEvent(), id: 'evt_x' })]) {
        const result = await database.db.execute<{ hash: string }>(
          sql`select encode(sha256(convert_to(${GENESIS_HASH} || ${text}, 'UTF8')), 'hex') as hash`,
        );
        expect(result.rows[0]?.hash, JSON.stringify(text)).toBe(chainHash(GENESIS_HASH, text));
      }
    });

    it('continues a chain written by the former writer, with hashes chainHash recomputes', async () => {
      // Rows as the previous release wrote them: hashed in JS, inserted with drizzle.
      let prevHash = GENESIS_HASH;
      const former = [auditEvent({ detail: { n: 1 } }), auditEvent({ detail: { n: 2 } })].map(
        (event) => {
          const id = newId('evt');
          const hash = chainHash(prevHash, canonicalEvent({ ...event, id }));
          const row = { ...event, id, prevHash, hash };
          prevHash = hash;
          return row;
        },
      );
      await database.db.insert(auditEvents).values(former);

      const { database: watched, counts } = counting(database);
      const writer = createPostgresAuditWriter(watched);
      try {
        // Made in one tick, so they form one batch: one statement, no explicit transaction.
        await Promise.all([
          writer.append([auditEvent({ userAgent: AWKWARD, detail: { text: AWKWARD } })]),
          writer.append([
            auditEvent({
              type: 'check.refused',
              verificationId: null,
              clientIp: null,
              outcome: 'refused',
              reason: 'phone_failed_checks',
              detail: { big: 2 ** 70, small: 1e-7, float: 0.1, list: [true, null] },
            }),
            auditEvent({ detail: { [AWKWARD]: { nested: [AWKWARD] } } }),
          ]),
        ]);
        expect(counts).toEqual({ executes: 1, transactions: 0 });
      } finally {
        await writer.close();
      }

      const rows = await readAuditEvents(database, 'app_fn', { limit: 100 });
      expect(rows).toHaveLength(5);
      expect(rows.slice(0, 2).map((row) => row.hash)).toEqual(former.map((row) => row.hash));
      expect(rows[2]?.prevHash).toBe(former[1]?.hash);
      expect(rows[2]?.userAgent).toBe(AWKWARD);
      for (const [index, row] of rows.entries()) {
        expect(row.prevHash).toBe(index === 0 ? GENESIS_HASH : rows[index - 1]?.hash);
        expect(row.hash).toBe(chainHash(row.prevHash, canonicalEvent(row)));
      }
      expect(await verifyAuditChain(database)).toEqual({
        ok: true,
        checked: 5,
        head: rows[4]?.hash,
      });
    });

    it('numbers a large batch in chain order', async () => {
      const writer = createPostgresAuditWriter(database);
      try {
        // One append is never split, whatever maxBatch is: 1,200 events in one statement.
        await writer.append(
          Array.from({ length: 1_200 }, (_, i) => auditEvent({ appId: 'app_big', detail: { i } })),
        );
      } finally {
        await writer.close();
      }
      const rows = await readAuditEvents(database, 'app_big', { limit: 2_000 });
      expect(rows.map((row) => row.detail.i)).toEqual(Array.from({ length: 1_200 }, (_, i) => i));
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 1_205 });
    });

    it('writes an event id once: one already in the trail, or repeated in a batch, is left out', async () => {
      const writer = createPostgresAuditWriter(database);
      const first = auditEvent({ id: newId('evt'), appId: 'app_once', detail: { n: 1 } });
      const second = auditEvent({ id: newId('evt'), appId: 'app_once', detail: { n: 2 } });
      try {
        await writer.append([first]);
        // A retry of a commit whose acknowledgement was lost, with a new event given twice.
        await writer.append([first, second, second]);
        await writer.append([first, second]);
        await writer.append([auditEvent({ appId: 'app_once', detail: { n: 3 } })]);
      } finally {
        await writer.close();
      }
      const rows = await readAuditEvents(database, 'app_once', { limit: 10 });
      expect(rows.map((row) => row.detail.n)).toEqual([1, 2, 3]);
      expect(rows.slice(0, 2).map((row) => row.id)).toEqual([first.id, second.id]);
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 1_208 });
    });
  });
});

describe.skipIf(postgresUrl === null)('tessera_append_audit outside READ COMMITTED', () => {
  let url: string;
  let drop: () => Promise<void>;
  const opened: Database[] = [];

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
    const admin = await openDatabase({ url });
    try {
      await migrateDatabase(admin);
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      // Applies to the sessions opened from now on.
      await admin.db.execute(
        sql`alter database ${sql.identifier(name)} set default_transaction_isolation = 'repeatable read'`,
      );
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    for (const database of opened) await database.close();
    await drop?.();
  });

  const open = async () => {
    const database = await openDatabase({ url });
    opened.push(database);
    return database;
  };

  it('refuses to run, since its head read would miss the previous lock holder’s rows', async () => {
    const database = await open();
    const payload = JSON.stringify([]);
    const failure = await database.db
      .execute(sql`select tessera_append_audit(${payload}::jsonb)`)
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect((failure as { cause?: { code?: string } } | null)?.cause?.code).toBe('TA001');
  });

  it('the writer falls back to explicit READ COMMITTED transactions and keeps one chain', async () => {
    const [one, two] = [counting(await open()), counting(await open())];
    const writers = [
      createPostgresAuditWriter(one.database, { maxBatch: 5 }),
      createPostgresAuditWriter(two.database, { maxBatch: 5 }),
    ];
    try {
      await Promise.all(
        writers.flatMap((writer, w) =>
          Array.from({ length: 40 }, (_, i) =>
            writer.append([auditEvent({ detail: { w, i } }), auditEvent({ detail: { w, i } })]),
          ),
        ),
      );
    } finally {
      for (const writer of writers) await writer.close();
    }
    // The first batches of each writer (as many as it sends at once: 2) were refused, then every
    // batch ran in a transaction.
    for (const { counts } of [one, two]) {
      expect(counts.transactions).toBeGreaterThan(1);
      expect(counts.executes).toBeGreaterThanOrEqual(1);
      expect(counts.executes).toBeLessThanOrEqual(2);
    }
    expect(await verifyAuditChain(one.database)).toMatchObject({ ok: true, checked: 160 });
  });
});
