import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEvent } from '../../src/audit/hash-chain.ts';
import { consistencyRanges, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.ts';
import { createMerkleLogReader, recomputeLog } from '../../src/audit/merkle-log.ts';
import { createPostgresAuditWriter, readAuditEvents } from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';
import { referenceConsistency, referenceInclusion, referenceRoot } from './rfc9162-reference.ts';

/** The leaf inputs of an app's log, from its rows as stored: the canonical texts, in seq order. */
async function leafInputs(database: Database, appId: string): Promise<Buffer[]> {
  const rows = await readAuditEvents(database, appId, { limit: 10_000 });
  return rows.map((row) => Buffer.from(canonicalEvent(row), 'utf8'));
}

/** Runs a statement as a superuser would, with the append-only triggers of `table` off. */
async function behindTriggers(
  database: Database,
  table: string,
  statement: ReturnType<typeof sql>,
) {
  const name = sql.identifier(table);
  await database.db.execute(sql`alter table ${name} disable trigger user`);
  try {
    await database.db.execute(statement);
  } finally {
    await database.db.execute(sql`alter table ${name} enable trigger user`);
  }
}

for (const backend of DATABASE_BACKENDS.filter((b) => b.available)) {
  describe(`each app's Merkle log over ${backend.name}`, () => {
    let database: Database;
    let drop: () => Promise<void>;
    let openAnother: (() => Promise<Database>) | undefined;

    beforeAll(async () => {
      const opened = await backend.open();
      database = opened.database;
      drop = opened.drop;
      openAnother = opened.openAnother;
      await migrateDatabase(database);
      // Two apps interleaved, in batches of several sizes, through the group-committing writer.
      const writer = createPostgresAuditWriter(database, { maxBatch: 7 });
      const appends: Promise<void>[] = [];
      for (let i = 0; i < 45; i++) {
        const appId = i % 3 === 0 ? 'app_log_b' : 'app_log_a';
        appends.push(writer.append([makeAuditEvent({ appId, detail: { i } })]));
      }
      await Promise.all(appends);
      await writer.close();
    });

    afterAll(async () => {
      await database?.close();
      await drop?.();
    });

    it("numbers each app's events from 0 in chain order and roots them as RFC 9162 does", async () => {
      const reader = createMerkleLogReader(database);
      for (const appId of ['app_log_a', 'app_log_b']) {
        const inputs = await leafInputs(database, appId);
        expect(await reader.size(appId)).toBe(inputs.length);
        const rows = await readAuditEvents(database, appId, { limit: 100 });
        for (const [index, row] of rows.entries()) {
          expect(await reader.leafOf(row.id)).toMatchObject({ appId, index });
        }
        for (const size of [1, 2, 3, 7, 8, 9, inputs.length]) {
          expect(await reader.root(appId, size)).toEqual(referenceRoot(inputs.slice(0, size)));
        }
      }
      expect(await reader.size('app_none')).toBe(0);
    });

    it('serves the inclusion and consistency proofs of the reference implementation', async () => {
      const reader = createMerkleLogReader(database);
      const inputs = await leafInputs(database, 'app_log_a');
      const size = inputs.length;
      const root = await reader.root('app_log_a', size);
      for (let m = 0; m < size; m++) {
        const proof = await reader.inclusionProof('app_log_a', m, size);
        expect(proof).toEqual(referenceInclusion(m, inputs));
        const leaf = (await reader.leafOf(
          (
            await readAuditEvents(database, 'app_log_a', { limit: m + 1 })
          )[m]!.id,
        ))!.hash;
        expect(verifyInclusion(m, size, leaf, proof, root)).toBe(true);
      }
      for (const from of [1, 2, 5, 16, size - 1]) {
        // As proveConsistency reads it: the subtrees of RFC 9162's PROOF(from, D[size]).
        const proof = await reader.hashes('app_log_a', consistencyRanges(from, size));
        expect(proof).toEqual(referenceConsistency(from, inputs));
        const old = await reader.root('app_log_a', from);
        expect(verifyConsistency(from, size, old, root, proof)).toBe(true);
      }
    });

    it('refuses to change or remove what the log holds', async () => {
      for (const table of ['audit_tree_nodes', 'audit_tree_leaves']) {
        await expect(
          database.db.execute(sql`delete from ${sql.identifier(table)} where app_id = 'app_log_a'`),
        ).rejects.toThrow();
        await expect(database.db.execute(sql`truncate ${sql.identifier(table)}`)).rejects.toThrow();
      }
      expect(await createMerkleLogReader(database).size('app_log_a')).toBe(30);
    });

    it('recomputes the log from the rows, naming a row edited or deleted behind the triggers', async () => {
      const reader = createMerkleLogReader(database);
      const size = await reader.size('app_log_b');
      const intact = await recomputeLog(database, 'app_log_b', size);
      expect(intact).toEqual({ ok: true, size, root: await reader.root('app_log_b', size) });

      const rows = await readAuditEvents(database, 'app_log_b', { limit: 100 });
      const target = rows[4]!;
      await behindTriggers(
        database,
        'audit_events',
        sql`update audit_events set outcome = 'refused' where id = ${target.id}`,
      );
      expect(await recomputeLog(database, 'app_log_b', size)).toMatchObject({
        ok: false,
        index: 4,
        eventId: target.id,
      });
      await behindTriggers(
        database,
        'audit_events',
        sql`delete from audit_events where id = ${target.id}`,
      );
      expect(await recomputeLog(database, 'app_log_b', size)).toMatchObject({
        ok: false,
        index: 4,
        eventId: null,
      });
    });

    if (backend.multiProcess) {
      it('keeps one consistent log per app when two processes append at once', async () => {
        const other = await openAnother!();
        try {
          const writers = [database, other].map((db) => createPostgresAuditWriter(db));
          await Promise.all(
            Array.from({ length: 60 }, (_, i) =>
              writers[i % 2]!.append([
                makeAuditEvent({ appId: 'app_log_c', detail: { i } }),
                makeAuditEvent({ appId: 'app_log_d', detail: { i } }),
              ]),
            ),
          );
          await Promise.all(writers.map((writer) => writer.close()));
        } finally {
          await other.close();
        }
        const reader = createMerkleLogReader(database);
        for (const appId of ['app_log_c', 'app_log_d']) {
          const inputs = await leafInputs(database, appId);
          expect(inputs).toHaveLength(60);
          expect(await reader.root(appId, 60)).toEqual(referenceRoot(inputs));
          expect(await recomputeLog(database, appId, 60)).toMatchObject({ ok: true });
        }
      });
    }
  });
}
