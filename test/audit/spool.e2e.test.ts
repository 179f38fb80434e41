import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/access/api-key-format.ts';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { openDatabase } from '../../src/db/database.ts';
import { freePort } from '../helpers/free-port.ts';
import {
  createTestDatabase,
  createTestRedisPrefix,
  postgresUrl,
  redisUrl,
} from '../helpers/real-stores.ts';
import {
  childEnv,
  cleanUpSpawned,
  launch,
  output,
  tempDir,
  waitForLog,
} from '../helpers/spawn-server.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

afterEach(cleanUpSpawned);

async function auditTypes(databaseUrl: string, verificationId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ type: string }>(
      'select type from audit_events where verification_id = $1 order by seq',
      [verificationId],
    );
    return rows.map((row) => row.type);
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgresUrl || !redisUrl)(
  'the audit spool on disk (real Redis + Postgres)',
  () => {
    it('a row spooled during a Postgres outage survives a crash and is committed by the next start', async () => {
      const database = await createTestDatabase();
      const keys = createTestRedisPrefix();
      const target = new URL(database.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const viaProxy = new URL(database.url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const dataDir = tempDir();
      const apiKey = generateApiKey(); // BOOTSTRAP_API_KEY must be a generated key
      const port = await freePort();
      const env = childEnv({
        DATA_DIR: dataDir,
        PORT: String(port),
        DATABASE_URL: viaProxy.toString(),
        REDIS_URL: redisUrl as string,
        REDIS_KEY_PREFIX: keys.prefix,
        SECRET_KEY: randomBytes(32).toString('hex'),
        BOOTSTRAP_API_KEY: apiKey,
        LOG_LEVEL: 'info',
      });
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      try {
        const first = launch(env);
        await waitForLog(first, 'Tessera listening', 60_000);
        const sent = await call('POST', '/v1/verify', { to: '+33612345678' });
        expect(sent.status, output(first)).toBe(201);
        const { id } = (await sent.json()) as { id: string };

        // Postgres goes away; the cancellation happens in Redis and its row can only be spooled.
        await proxy.cut();
        const canceled = await call('DELETE', `/v1/verify/${id}`);
        expect(canceled.status, output(first)).toBe(200);
        expect(await canceled.json()).toMatchObject({ status: 'canceled' });
        const spoolDir = join(dataDir, 'audit-spool');
        const spooled = readdirSync(spoolDir).filter((name) => name.endsWith('.json'));
        expect(spooled).toHaveLength(1);
        const onDisk = readFileSync(join(spoolDir, spooled[0] as string), 'utf8');
        expect(onDisk).toContain('verification.canceled');
        expect(onDisk).not.toContain('612345678');

        // The process dies before Postgres is back: nothing but the file keeps the row.
        first.child.kill('SIGKILL');
        await first.closed;
        await proxy.restore();

        const second = launch(env);
        await waitForLog(second, 'audit rows left in the spool', 60_000);
        let types: string[] = [];
        for (let i = 0; i < 100 && !types.includes('verification.canceled'); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          types = await auditTypes(database.url, id);
        }
        expect(types, output(second)).toEqual([
          'verification.created',
          'sms.sent',
          'verification.canceled',
        ]);
        await expect
          .poll(() => readdirSync(spoolDir).filter((name) => name.endsWith('.json')))
          .toEqual([]);
        const chain = await openDatabase({ url: database.url });
        try {
          expect(await verifyAuditChain(chain)).toMatchObject({ ok: true });
        } finally {
          await chain.close();
        }
      } finally {
        await cleanUpSpawned();
        await proxy.close();
        await keys.drop();
        await database.drop();
      }
    });
  },
);
