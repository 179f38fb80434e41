import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { seedAuditRows } from '../helpers/audit-seed.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

// PGlite runs no parallel workers: the failure this guards against is Postgres's only.
const postgres = DATABASE_BACKENDS.find((backend) => backend.name === 'postgres')!;

describe.skipIf(!postgres.available)('the ip index (tessera_inet) on Postgres', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await postgres.open());
    await migrateDatabase(database);
    await seedAuditRows(database, 'app_inet_parallel', 5_000);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('rebuilds where Postgres would build indexes with parallel workers', async () => {
    // tessera_inet catches an exception (a subtransaction), which a parallel worker cannot
    // start: declared parallel safe, this REINDEX failed (migration 0019).
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events set (parallel_workers = 2)`);
      await tx.execute(sql`set local max_parallel_maintenance_workers = 2`);
      await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
      await tx.execute(sql`reindex index audit_events_app_ip_seq_idx`);
    });
    const { rows } = await database.db.execute<{ n: string }>(sql`
      select count(*)::text as n from audit_events
       where app_id = 'app_inet_parallel' and tessera_inet(client_ip) <<= '10.1.0.0/16'::inet`);
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });
});
