import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestApp } from './test-app.ts';

/**
 * SQL on the database an app under test writes to, from outside the app: its own Postgres test
 * database (a separate connection, not through the relays), or the in-memory PGlite of the
 * embedded default, which only exists inside the runtime (a test file captures it as it is built).
 */
export interface TestDatabaseSql {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openTestDatabaseSql(
  t: TestApp,
  pglite: PGlite | undefined,
): Promise<TestDatabaseSql> {
  if (t.databaseUrl) {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    return {
      query: async <T>(text: string, params?: unknown[]) =>
        (await client.query(text, params)).rows as T[],
      close: () => client.end(),
    };
  }
  if (!pglite) throw new Error('the embedded app has no PGlite to reach');
  return {
    query: async <T>(text: string, params?: unknown[]) =>
      (await pglite.query<T>(text, params)).rows,
    // The runtime owns its PGlite and closes it.
    close: async () => {},
  };
}

/**
 * Postgres refuses audit rows of `type` as an outage would (SQLSTATE 57P01, admin shutdown: the
 * API answers 503 and undoes what it changed) until the returned function is called. A trigger in
 * the test's own database, so every other row, and every other store, keeps working.
 */
export async function refuseAuditRows(
  sql: TestDatabaseSql,
  type: string,
): Promise<() => Promise<void>> {
  if (!/^[a-z_.]+$/.test(type)) throw new Error(`not an audit event type: ${type}`);
  await sql.query(`create function test_refuse_audit() returns trigger language plpgsql as $$
    begin
      if new.type = '${type}' then
        raise exception 'audit row refused by the test' using errcode = '57P01';
      end if;
      return new;
    end $$`);
  await sql.query(`create trigger test_refuse_audit before insert on audit_events
    for each row execute function test_refuse_audit()`);
  return async () => {
    await sql.query('drop trigger test_refuse_audit on audit_events');
    await sql.query('drop function test_refuse_audit()');
  };
}
