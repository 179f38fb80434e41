import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { createAuditTrail } from '../../src/stores/audit-spool.ts';
import {
  createPostgresAuditWriter,
  verifyAuditChain,
} from '../../src/stores/postgres/audit-writer.ts';
import { migrateDatabase, openDatabase } from '../../src/stores/postgres/database.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

async function rowsOf(url: string, appId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      'select id from audit_events where app_id = $1 order by seq',
      [appId],
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!postgresUrl)(
  'an audit row whose commit acknowledgement was lost (real Postgres)',
  () => {
    it('is spooled, retried with the same id, and written once', async () => {
      const { url, drop } = await createTestDatabase();
      const target = new URL(url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const database = await openDatabase({ url: viaProxy.toString() });
      const writer = createPostgresAuditWriter(database);
      const trail = createAuditTrail(writer, { retryMs: 50 });
      try {
        await migrateDatabase(database);
        const appId = newId('app');
        await trail.commitOrSpool([makeAuditEvent({ appId, type: 'sms.sent', detail: { n: 0 } })]);

        // The statement reaches Postgres and commits; its answer never reaches the app, whose
        // connection then drops, as one lost in the middle of a COMMIT.
        proxy.muteReplies();
        const committing = trail.commitOrSpool([
          makeAuditEvent({ appId, type: 'sms.sent', detail: { n: 1 } }),
        ]);
        await until(async () => (await rowsOf(url, appId)).length === 2);
        await proxy.cut();
        await committing;
        expect(trail.pending()).toBe(1);

        await proxy.restore();
        await until(async () => trail.pending() === 0);
        const ids = await rowsOf(url, appId);
        expect(ids).toHaveLength(2);
        expect(new Set(ids).size).toBe(2);
        expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 2 });
      } finally {
        await trail.close();
        await writer.close();
        await database.close();
        await proxy.close();
        await drop();
      }
    });
  },
);

describe.skipIf(!postgresUrl)(
  'an append whose commit acknowledgement was lost (real Postgres)',
  () => {
    it('resolves once Postgres confirms its rows are there, instead of failing a committed decision', async () => {
      const { url, drop } = await createTestDatabase();
      const target = new URL(url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const database = await openDatabase({ url: viaProxy.toString() });
      const writer = createPostgresAuditWriter(database);
      try {
        await migrateDatabase(database);
        const appId = newId('app');
        proxy.muteReplies();
        const appending = writer.append([
          makeAuditEvent({ appId, type: 'check.approved', detail: { n: 1 } }),
        ]);
        await until(async () => (await rowsOf(url, appId)).length === 1);
        // The connection that carried it drops; new ones are accepted again at once.
        await proxy.cut();
        await proxy.restore();
        await expect(appending).resolves.toBeUndefined();
        expect(await rowsOf(url, appId)).toHaveLength(1);
      } finally {
        await writer.close();
        await database.close();
        await proxy.close();
        await drop();
      }
    });
  },
);
