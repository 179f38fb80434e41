import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/access/api-key-format.ts';
import { createApiKey } from '../../src/access/api-keys.ts';
import { migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { createTestDatabase } from '../helpers/real-stores.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What api_keys.key_hash must be: HMAC-SHA-256 under SECRET_KEY's `api-key-hash` key (README). */
function keyedHash(secretKeyHex: string, key: string): string {
  const hmacKey = Buffer.from(
    hkdfSync('sha256', Buffer.from(secretKeyHex, 'hex'), 'tessera/v1', 'api-key-hash', 32),
  );
  return createHmac('sha256', hmacKey).update(key, 'utf8').digest('hex');
}

/**
 * The secret part of a generated key: everything after its public prefix (`tsk_` and, from
 * hash version 2 on, the public tag before the second `_`).
 */
function secretPart(key: string): string {
  const tagged = /^tsk_[0-9a-f]{8}_(.{43})$/.exec(key);
  return tagged?.[1] ?? key.slice('tsk_'.length);
}

/** Every run of `length` characters of `text`. */
function runsOf(text: string, length: number): string[] {
  return Array.from({ length: text.length - length + 1 }, (_, i) => text.slice(i, i + length));
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const real = BACKENDS.find((backend) => backend.real)!;

describe.skipIf(!real.available)(
  'a stolen database (api_keys, audit_events) without SECRET_KEY',
  () => {
    let t: TestApp;
    const bootstrapKey = generateApiKey();

    beforeAll(async () => {
      t = await startTestApp(real, { env: { BOOTSTRAP_API_KEY: bootstrapKey } });
    });

    afterAll(async () => {
      await t?.close();
    });

    function issuedKeys(): string[] {
      return [bootstrapKey, t.keys.a, t.keys.b, t.keys.aAuditOnly];
    }

    it('holds no run of 5 characters of any key’s secret part, in any column or audit row', async () => {
      const extra = await createApiKey({
        store: t.runtime.modules.access,
        appName: 'listed',
        scopes: ['admin'],
        label: 'ops',
      });
      const dump = JSON.stringify([
        await query(t.databaseUrl!, 'select * from api_keys'),
        await query(t.databaseUrl!, 'select * from audit_events'),
      ]);
      expect(dump).toContain('key.created');

      // 5, not fewer: a shorter run turns up by chance in the random ids and hashes of the dump
      // (an earlier version stored 6 characters of the secret as the hint, and 10 of a chosen key).
      for (const key of [...issuedKeys(), extra.key]) {
        for (const run of runsOf(secretPart(key), 5)) expect(dump, key).not.toContain(run);
      }
    });

    it('cannot test a guessed key: the stored hash is an HMAC keyed from SECRET_KEY, not SHA-256(key)', async () => {
      const stored = (
        await query<{ key_hash: string }>(t.databaseUrl!, 'select key_hash from api_keys')
      ).map((row) => row.key_hash);

      for (const key of issuedKeys()) {
        expect(stored).not.toContain(sha256(key));
        expect(stored).toContain(keyedHash(t.secretKey, key));
      }
    });

    it('still accepts a key stored as plain SHA-256 by an earlier version, and rehashes it on first use', async () => {
      const key = generateApiKey();
      const [app] = await query<{ id: string }>(
        t.databaseUrl!,
        "select id from apps where name = 'app-a'",
      );
      const id = `key_${randomBytes(16).toString('base64url')}`;
      // The row as the code before hash_version wrote it: no hash version, SHA-256 of the key.
      await query(
        t.databaseUrl!,
        `insert into api_keys (id, app_id, key_hash, hint, scopes, label)
       values ($1, $2, $3, 'tsk_legacy…', '{verify}', 'legacy')`,
        [id, app!.id, sha256(key)],
      );

      expect((await t.call('GET', '/v1/dev/outbox?to=%2B33612345678', { key })).status).toBe(200);

      const [row] = await query<{ key_hash: string }>(
        t.databaseUrl!,
        'select key_hash from api_keys where id = $1',
        [id],
      );
      expect(row?.key_hash).toBe(keyedHash(t.secretKey, key));
      expect(JSON.stringify(await query(t.databaseUrl!, 'select * from api_keys'))).not.toContain(
        sha256(key),
      );
      expect((await t.call('GET', '/v1/dev/outbox?to=%2B33612345678', { key })).status).toBe(200);
    });

    it('refuses a revoked legacy row, and does not bring it back as a keyed one', async () => {
      const key = generateApiKey();
      const [app] = await query<{ id: string }>(
        t.databaseUrl!,
        "select id from apps where name = 'app-a'",
      );
      const id = `key_${randomBytes(16).toString('base64url')}`;
      await query(
        t.databaseUrl!,
        `insert into api_keys (id, app_id, key_hash, hint, scopes, label, revoked_at)
       values ($1, $2, $3, 'tsk_legacy…', '{verify}', 'legacy', now())`,
        [id, app!.id, sha256(key)],
      );

      expect((await t.call('GET', '/v1/dev/outbox?to=%2B33612345678', { key })).status).toBe(401);
      expect((await t.call('GET', '/v1/dev/outbox?to=%2B33612345678', { key })).status).toBe(401);
    });
  },
);

describe.skipIf(!real.available)('upgrading a database whose hints hold key characters', () => {
  it('migration 0006 cuts every hint to the prefix and marks every hash as legacy SHA-256', async () => {
    const testDb = await createTestDatabase();
    const migrations = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
    const before = mkdtempSync(join(tmpdir(), 'tessera-migrations-'));
    try {
      // The migrations as they were before 0006, applied as that version did.
      const journal = JSON.parse(readFileSync(join(migrations, 'meta/_journal.json'), 'utf8'));
      journal.entries = journal.entries.filter((entry: { idx: number }) => entry.idx < 6);
      mkdirSync(join(before, 'meta'));
      writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify(journal));
      for (const entry of journal.entries as { tag: string }[])
        copyFileSync(join(migrations, `${entry.tag}.sql`), join(before, `${entry.tag}.sql`));
      const client = new pg.Client({ connectionString: testDb.url });
      await client.connect();
      try {
        await migrate(drizzle({ client }), { migrationsFolder: before });
        const key = generateApiKey();
        await client.query(
          `insert into apps (id, name) values ('app_old', 'default');
           insert into api_keys (id, app_id, key_hash, hint, scopes, label) values
             ('key_generated', 'app_old', '${sha256(key)}', '${key.slice(0, 10)}…', '{verify}', null),
             ('key_chosen', 'app_old', '${sha256('hunter2hunter2hunter2hunter2')}', 'hunter2hun…', '{verify}', 'bootstrap')`,
        );
      } finally {
        await client.end();
      }

      const database = await openDatabase({ url: testDb.url });
      try {
        await migrateDatabase(database);
      } finally {
        await database.close();
      }

      expect(
        await query(testDb.url, 'select id, hint, hash_version from api_keys order by id'),
      ).toEqual([
        { id: 'key_chosen', hint: '…', hash_version: 1 },
        { id: 'key_generated', hint: 'tsk_…', hash_version: 1 },
      ]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await testDb.drop();
    }
  });
});
