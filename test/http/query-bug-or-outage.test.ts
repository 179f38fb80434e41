import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAuditWriter } from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { createErrorHandler } from '../../src/http/error-handler.ts';
import { guardAvailability, isPostgresOutage } from '../../src/kernel/availability.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

// The whole app runs on PGlite in memory only inside its runtime, out of a test's reach; here the
// same pieces (the guarded audit writer, the error handler) answer over HTTP on either database.
describe.each(DATABASE_BACKENDS)(
  'a failed audit write answered over HTTP, over $name',
  (backend) => {
    describe.skipIf(!backend.available)('bug or outage', () => {
      let database: Database;
      let drop: () => Promise<void>;
      let writer: ReturnType<typeof createPostgresAuditWriter>;
      const logs: string[] = [];
      const app = new Hono();

      beforeAll(async () => {
        ({ database, drop } = await backend.open());
        await migrateDatabase(database);
        writer = createPostgresAuditWriter(database);
        const audit = guardAvailability(writer, 'postgres', isPostgresOutage);
        app.onError(
          createErrorHandler(createLogger('debug', { write: (line) => logs.push(line) })),
        );
        app.post('/record', async (c) => {
          await audit.append([makeAuditEvent({ type: 'check.approved' })]);
          return c.json({ recorded: true }, 201);
        });
      });

      afterAll(async () => {
        await writer?.close();
        // Closed already by the last test, unless it failed before.
        await database?.close().catch(() => {});
        await drop?.();
      });

      /** Postgres refuses audit rows with SQLSTATE `state` (a trigger) until the function returned. */
      async function refuseAuditRows(state: string): Promise<() => Promise<void>> {
        await database.db.execute(
          sql.raw(`create function test_refuse_audit() returns trigger language plpgsql as $$
          begin raise exception 'audit row refused by the test' using errcode = '${state}'; end $$`),
        );
        await database.db.execute(
          sql.raw(`create trigger test_refuse_audit before insert on audit_events
          for each row execute function test_refuse_audit()`),
        );
        return async () => {
          await database.db.execute(sql.raw('drop trigger test_refuse_audit on audit_events'));
          await database.db.execute(sql.raw('drop function test_refuse_audit()'));
        };
      }

      it.each([['23505'], ['42703'], ['P0001']])(
        'a statement Postgres refuses with %s is a 500 internal_error that tells nothing of the SQL',
        async (state) => {
          const logged = logs.length;
          const restore = await refuseAuditRows(state);
          let response: Response;
          try {
            response = await app.request('/record', { method: 'POST' });
          } finally {
            await restore();
          }
          expect(response.status).toBe(500);
          const text = await response.text();
          expect(JSON.parse(text)).toMatchObject({
            code: 'internal_error',
            detail: 'Something went wrong on our side.',
          });
          for (const leak of ['refused by the test', 'tessera_append_audit', 'select', state])
            expect(text).not.toContain(leak);
          const line = logs.slice(logged).find((entry) => entry.includes('"unhandled error"'));
          expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 50, sqlState: state });
          expect(line).toContain('caused by: error: audit row refused by the test');
          // The same write goes through once the trigger is gone.
          expect((await app.request('/record', { method: 'POST' })).status).toBe(201);
        },
      );

      it('a shutdown SQLSTATE (57P01) is an outage: 503 service_unavailable', async () => {
        const restore = await refuseAuditRows('57P01');
        try {
          const response = await app.request('/record', { method: 'POST' });
          expect(response.status).toBe(503);
          expect(await response.json()).toMatchObject({ code: 'service_unavailable' });
        } finally {
          await restore();
        }
      });

      it('a closed database (pool ended, PGlite closed) is an outage: 503 service_unavailable', async () => {
        // Last: it closes the database.
        await database.close();
        const response = await app.request('/record', { method: 'POST' });
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ code: 'service_unavailable' });
      });
    });
  },
);
