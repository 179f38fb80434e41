import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import {
  createPostgresAuditWriter,
  type PostgresAuditWriter,
} from '../../src/audit/postgres-writer.ts';
import { createAuditTrail } from '../../src/audit/trail.ts';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { newId } from '../../src/kernel/ids.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

// A commit whose acknowledgement is lost: the relay lets the statement reach Postgres, which
// commits it, mutes Postgres' answer, then drops the connection.

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
  'audit rows whose commit acknowledgement was lost (real Postgres)',
  () => {
    let url: string;
    let drop: () => Promise<void>;
    let proxy: TcpProxy;
    let database: Database;
    let writer: PostgresAuditWriter;
    let appId: string;

    beforeEach(async () => {
      ({ url, drop } = await createTestDatabase());
      const target = new URL(url);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      database = await openDatabase({ url: viaProxy.toString() });
      await migrateDatabase(database);
      writer = createPostgresAuditWriter(database);
      appId = newId('app');
    });

    afterEach(async () => {
      await writer.close();
      await database.close();
      await proxy.close();
      await drop();
    });

    it('an append resolves once Postgres confirms its rows are there, instead of failing a committed decision', async () => {
      proxy.muteReplies();
      const appending = writer.append([makeAuditEvent({ appId, type: 'check.approved' })]);
      await until(async () => (await rowsOf(url, appId)).length === 1);
      // The connection that carried it drops; new ones are accepted again at once.
      await proxy.cut();
      await proxy.restore();
      await expect(appending).resolves.toBeUndefined();
      expect(await rowsOf(url, appId)).toHaveLength(1);
    });

    it('a spooled row is retried with the same id once Postgres is back, and written once', async () => {
      const trail = createAuditTrail(writer, { retryMs: 50 });
      try {
        await trail.commitOrSpool([makeAuditEvent({ appId, type: 'sms.sent', detail: { n: 0 } })]);
        proxy.muteReplies();
        const committing = trail.commitOrSpool([
          makeAuditEvent({ appId, type: 'sms.sent', detail: { n: 1 } }),
        ]);
        await until(async () => (await rowsOf(url, appId)).length === 2);
        // Postgres stays unreachable, so the writer cannot tell: the row is spooled.
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
      }
    });
  },
);

describe('an append that never reached Postgres', () => {
  it('fails without asking Postgres about its rows (no second connection attempt)', async () => {
    // Accepts connections and never answers: pg gives up on connecting after its timeout.
    let connections = 0;
    const silent = net.createServer((socket) => {
      connections++;
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const database = await openDatabase({ url: `postgres://tessera@127.0.0.1:${port}/none` });
    const writer = createPostgresAuditWriter(database);
    try {
      await expect(writer.append([makeAuditEvent({ type: 'check.approved' })])).rejects.toThrow();
      expect(connections).toBe(1);
    } finally {
      await writer.close();
      await database.close().catch(() => {});
      silent.close();
    }
  });
});
