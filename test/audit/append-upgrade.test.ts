import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import {
  canonicalEvent,
  chainHash,
  eventColumns,
  GENESIS_HASH,
} from '../../src/audit/hash-chain.ts';
import { createMerkleLogReader } from '../../src/audit/merkle-log.ts';
import {
  type AuditRecord,
  createPostgresAuditWriter,
  readAuditEvents,
} from '../../src/audit/postgres-writer.ts';
import type { AuditEvent } from '../../src/audit/types.ts';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { newId } from '../../src/kernel/ids.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';
import { referenceRoot } from './rfc9162-reference.ts';

// Migration 0007 makes PostgreSQL hash each row from its columns and date it. The trail written
// before it (by the writer of 0003/0005, and by the one before that, straight INSERTs) must keep
// its hashes and keep verifying, with the rows appended after it, in JS and in SQL.

const MIGRATIONS = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
const LAST_BEFORE = '0006_api_key_hash_version';

/** The migrations folder as it was up to LAST_BEFORE: its SQL files and its journal. */
function migrationsUpTo(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-migrations-'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  const last = journal.entries.findIndex((entry) => entry.tag === tag);
  if (last < 0) throw new Error(`no migration ${tag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  cpSync(join(MIGRATIONS, 'meta'), join(dir, 'meta'), { recursive: true });
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const entry of journal.entries) {
    cpSync(join(MIGRATIONS, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  }
  return dir;
}

type Run = (text: string, values: unknown[]) => Promise<unknown>;

interface Backend {
  name: string;
  available: boolean;
  /** A database migrated up to LAST_BEFORE, written to through `run`, then the handle of now. */
  open(folder: string): Promise<{
    run: Run;
    reopen(): Promise<Database>;
    drop(): Promise<void>;
  }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'postgres',
    available: postgresUrl !== null,
    open: async (folder) => {
      const { url, drop } = await createTestDatabase();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder: folder });
      return {
        run: (text, values) => client.query(text, values),
        reopen: async () => {
          await client.end();
          return openDatabase({ url });
        },
        drop,
      };
    },
  },
  {
    name: 'pglite',
    available: true,
    open: async (folder) => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-pglite-'));
      const client = new PGlite(dir);
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: folder });
      return {
        run: (text, values) => client.query(text, values),
        reopen: async () => {
          await client.close();
          return openDatabase({ pgliteDir: dir });
        },
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

// What a former writer hashed, including what its canonical text had to get right.
const AWKWARD = 'é 漢字 🔐 "q" \\ \t\n\u0001 \u2028 \uFFFD \uE000';
const formerEvent = (n: number, overrides: Partial<AuditEvent> = {}) => ({
  ...makeAuditEvent({
    appId: 'app_upgrade',
    type: 'check.approved',
    userAgent: AWKWARD,
    createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, n, 789)),
    detail: {
      n,
      ratio: 1 / 3,
      big: 2 ** 70,
      [AWKWARD]: { nested: [AWKWARD, null, true, 0.1] },
      '\u{1F600}': 1,
      '\uFFFF': 2,
    },
    ...overrides,
  }),
  id: newId('evt'),
});

describe.each(BACKENDS)('the trail across migration 0007 over $name', (backend) => {
  describe.skipIf(!backend.available)('upgrade', () => {
    let folder: string;
    let database: Database;
    let drop: () => Promise<void>;
    const before: AuditRecord[] = [];

    beforeAll(async () => {
      folder = migrationsUpTo(LAST_BEFORE);
      const opened = await backend.open(folder);
      drop = opened.drop;

      // The writer before 0003: hashed in JS, one INSERT.
      let prevHash = GENESIS_HASH;
      for (const event of [formerEvent(1), formerEvent(2, { verificationId: null })]) {
        const hash = chainHash(prevHash, canonicalEvent(event));
        const columns = eventColumns(event);
        await opened.run(
          `insert into audit_events (id, app_id, type, verification_id, purpose, phone_masked,
             phone_hmac, client_ip, user_agent, outcome, reason, detail, created_at, prev_hash, hash)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [
            columns.id,
            columns.app_id,
            columns.type,
            columns.verification_id,
            columns.purpose,
            columns.phone_masked,
            columns.phone_hmac,
            columns.client_ip,
            columns.user_agent,
            columns.outcome,
            columns.reason,
            JSON.stringify(columns.detail),
            columns.created_at,
            prevHash,
            hash,
          ],
        );
        prevHash = hash;
      }
      // The writer of 0003/0005: the columns and the canonical text it computed, to the function.
      const batch = [formerEvent(3), formerEvent(4, { detail: {} }), formerEvent(5)];
      await opened.run('select tessera_append_audit($1::jsonb)', [
        JSON.stringify(
          batch.map((event) => ({ ...eventColumns(event), canonical: canonicalEvent(event) })),
        ),
      ]);

      database = await opened.reopen();
      before.push(...(await readAuditEvents(database, 'app_upgrade', { limit: 100 })));
      await migrateDatabase(database);
    });

    afterAll(async () => {
      await database?.close();
      await drop?.();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('leaves the rows written before it as they were: same hashes, same dates', async () => {
      expect(before).toHaveLength(5);
      expect(before[4]?.createdAt.toISOString()).toBe('2026-03-01T12:00:05.789Z');
      const after = await readAuditEvents(database, 'app_upgrade', { limit: 100 });
      expect(after).toEqual(before);
      expect(await verifyAuditChain(database)).toEqual({
        ok: true,
        checked: 5,
        head: before[4]?.hash,
      });
    });

    it("puts the rows written before into their app's Merkle log, in seq order", async () => {
      const inputs = before.map((row) => Buffer.from(canonicalEvent(row), 'utf8'));
      const reader = createMerkleLogReader(database);
      expect(await reader.size('app_upgrade')).toBe(5);
      expect(await reader.root('app_upgrade', 5)).toEqual(referenceRoot(inputs));
      expect(await reader.leafOf(before[3]!.id)).toMatchObject({ appId: 'app_upgrade', index: 3 });
    });

    it('continues the chain, old rows and new verifying together in JS and in SQL', async () => {
      const writer = createPostgresAuditWriter(database);
      try {
        await writer.append([formerEvent(6), formerEvent(7, { detail: { metadata: null } })]);
      } finally {
        await writer.close();
      }
      // A process of the previous release, still running while the new one rolls out, sends what
      // it always sent: accepted, and dated and hashed by the database all the same.
      const late = formerEvent(8);
      await database.db.execute(
        sql`select tessera_append_audit(${JSON.stringify([{ ...eventColumns(late), canonical: canonicalEvent(late) }])}::jsonb)`,
      );

      const rows = await readAuditEvents(database, 'app_upgrade', { limit: 100 });
      expect(rows).toHaveLength(8);
      expect(rows[5]?.prevHash).toBe(before[4]?.hash);
      expect(rows.slice(5).every((row) => row.createdAt.getTime() > Date.UTC(2026, 2, 2))).toBe(
        true,
      );
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 8 });
      const unverified = await database.db.execute<{ seq: string }>(
        sql`select seq from audit_events a
            where hash <> encode(sha256(convert_to(prev_hash || tessera_audit_canonical(a), 'UTF8')), 'hex')`,
      );
      expect(unverified.rows).toEqual([]);
    });
  });
});
