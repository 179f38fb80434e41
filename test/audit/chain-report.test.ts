import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAuditChain, verifyAuditChain } from '../../src/audit/chain-report.ts';
import { createPostgresAuditWriter } from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

type Row = {
  seq: number;
  id: string;
  app_id: string;
  hash: string;
};

async function chainRows(database: Database): Promise<Row[]> {
  const { rows } = await database.db.execute<Row & { seq: string }>(
    sql`select seq::text as seq, id, app_id, hash from audit_events order by audit_events.seq`,
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/** What a superuser can do behind the append-only trigger; the chain is what catches it. */
async function tamper(database: Database, id: string, clientIp: string | null): Promise<void> {
  await database.db.execute(
    sql`alter table audit_events disable trigger audit_events_no_update_delete`,
  );
  try {
    await database.db.execute(
      sql`update audit_events set client_ip = ${clientIp} where id = ${id}`,
    );
  } finally {
    await database.db.execute(
      sql`alter table audit_events enable trigger audit_events_no_update_delete`,
    );
  }
}

describe.each(DATABASE_BACKENDS)('the chain report over $name', (backend) => {
  describe.skipIf(!backend.available)('checks', () => {
    let database: Database;
    let drop: () => Promise<void>;
    let rows: Row[];
    const ofApp = (appId: string) => rows.filter((row) => row.app_id === appId);

    beforeAll(async () => {
      ({ database, drop } = await backend.open());
      await migrateDatabase(database);
      const writer = createPostgresAuditWriter(database);
      // More than one page of the walk (5,000 rows): app_x and app_y interleaved, then app_y
      // alone after app_x's newest event.
      for (let batch = 0; batch < 10; batch++) {
        await writer.append(
          Array.from({ length: 500 }, (_, i) =>
            makeAuditEvent({ appId: i % 3 === 0 ? 'app_x' : 'app_y', detail: { batch, i } }),
          ),
        );
      }
      await writer.append([makeAuditEvent({ appId: 'app_y', detail: { last: true } })]);
      await writer.close();
      rows = await chainRows(database);
      // 5,001 events hashed by the append function: slow on a loaded 2-core host.
    }, 180_000);

    afterAll(async () => {
      await database?.close();
      await drop?.();
    });

    it("reports the intact chain: every event for an operator, the app's own for an app", async () => {
      expect(rows).toHaveLength(5_001);
      expect(await checkAuditChain(database, { appId: null })).toEqual({
        ok: true,
        checked: 5_001,
        head: rows.at(-1)!.hash,
        headEventId: rows.at(-1)!.id,
        broken: null,
      });
      const x = ofApp('app_x');
      expect(await checkAuditChain(database, { appId: 'app_x' })).toEqual({
        ok: true,
        checked: x.length,
        head: x.at(-1)!.hash,
        headEventId: x.at(-1)!.id,
        broken: null,
      });
      expect(await checkAuditChain(database, { appId: 'app_none' })).toEqual({
        ok: true,
        checked: 0,
        head: null,
        headEventId: null,
        broken: null,
      });
    });

    it('names the broken event to its app, and to another app only its own first event after it', async () => {
      // An app_y row between app_x events.
      const target = rows.find((row) => row.seq > 4_000 && row.app_id === 'app_y')!;
      const xBefore = ofApp('app_x').filter((row) => row.seq < target.seq);
      const xAfter = ofApp('app_x').find((row) => row.seq > target.seq)!;
      const yBefore = ofApp('app_y').filter((row) => row.seq < target.seq);
      await tamper(database, target.id, '198.51.100.66');
      try {
        expect(await verifyAuditChain(database)).toMatchObject({ ok: false, brokenAt: target.id });
        expect(await checkAuditChain(database, { appId: null })).toEqual({
          ok: false,
          checked: target.seq - rows[0]!.seq,
          head: rows.find((row) => row.seq === target.seq - 1)!.hash,
          headEventId: rows.find((row) => row.seq === target.seq - 1)!.id,
          broken: { id: target.id, appId: 'app_y', firstOwnEventAfter: null },
        });
        expect(await checkAuditChain(database, { appId: 'app_x' })).toEqual({
          ok: false,
          checked: xBefore.length,
          head: xBefore.at(-1)!.hash,
          headEventId: xBefore.at(-1)!.id,
          broken: { id: target.id, appId: 'app_y', firstOwnEventAfter: xAfter.id },
        });
        expect(await checkAuditChain(database, { appId: 'app_y' })).toMatchObject({
          ok: false,
          checked: yBefore.length,
          broken: { id: target.id, appId: 'app_y' },
        });
      } finally {
        await tamper(database, target.id, '203.0.113.7');
      }
      expect(await checkAuditChain(database, { appId: null })).toMatchObject({ ok: true });
    });

    it('does not concern an app with a break after its newest event', async () => {
      const last = rows.at(-1)!;
      expect(last.app_id).toBe('app_y');
      await tamper(database, last.id, '198.51.100.66');
      try {
        expect(await checkAuditChain(database, { appId: 'app_x' })).toMatchObject({
          ok: true,
          checked: ofApp('app_x').length,
        });
        expect(await checkAuditChain(database, { appId: 'app_y' })).toMatchObject({
          ok: false,
          broken: { id: last.id },
        });
      } finally {
        await tamper(database, last.id, '203.0.113.7');
      }
    });
  });
});
