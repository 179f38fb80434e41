import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { createPostgresAuditWriter, readAuditEvents } from '../../src/audit/postgres-writer.ts';
import { createAuditTrail } from '../../src/audit/trail.ts';
import type { AuditWriter } from '../../src/audit/types.ts';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';

// The trail dates rows itself (migration 0007), so a row spooled through an outage would say when
// Postgres took it, not when the fact happened: the spool keeps that in detail.occurred_at.

describe('a row spooled through an outage', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ pgliteDir: null });
    await migrateDatabase(database);
  });

  afterAll(async () => database?.close());

  it('is dated when Postgres takes it, and keeps the time of the fact as occurred_at', async () => {
    const real = createPostgresAuditWriter(database);
    let down = true;
    // Postgres refusing the first attempt, as during an outage.
    const writer: AuditWriter = {
      append: (events) => (down ? Promise.reject(new Error('outage')) : real.append(events)),
    };
    const trail = createAuditTrail(writer, { retryMs: 10 });
    const happened = new Date(Date.now() - 3_600_000);
    try {
      await trail.commitOrSpool([
        makeAuditEvent({ appId: 'app_spooled', createdAt: happened, detail: { route: 'x' } }),
      ]);
      expect(trail.pending()).toBe(1);
      down = false;
      await expect.poll(() => trail.pending()).toBe(0);
    } finally {
      await trail.close();
      await real.close();
    }
    const [row] = await readAuditEvents(database, 'app_spooled', { limit: 1 });
    expect(row?.detail).toEqual({ route: 'x', occurred_at: happened.toISOString() });
    expect(row!.createdAt.getTime()).toBeGreaterThan(happened.getTime() + 3_000_000);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 1 });
  });
});
