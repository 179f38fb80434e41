import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessStore, SCOPES } from '../../src/access/access-store.ts';
import { createApiKeyHasher, generateApiKey } from '../../src/access/api-key-format.ts';
import {
  BOOTSTRAP_APP_NAME,
  createApiKey,
  ensureBootstrapKey,
  findApiKey,
  InvalidScopesError,
  revokeApiKey,
} from '../../src/access/api-keys.ts';
import { createPostgresAccessStore } from '../../src/access/postgres-access-store.ts';
import { updateApp } from '../../src/access/update-app.ts';
import { readAuditEvents } from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

async function rowCount(
  database: Database,
  table: 'apps' | 'api_keys' | 'audit_events',
): Promise<number> {
  const result = await database.db.execute<{ n: number }>(
    sql`select count(*)::int as n from ${sql.identifier(table)}`,
  );
  return result.rows[0]?.n ?? 0;
}

/** Every row of every table in the public schema, as text: what a stolen backup would show. */
async function dumpPublicTables(database: Database): Promise<string> {
  const tables = await database.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await database.db.execute(sql`select * from ${sql.identifier(table_name)}`);
    parts.push(`${table_name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

describe.each(DATABASE_BACKENDS)('access store over $name', (backend) => {
  describe.skipIf(!backend.available)('contract', () => {
    let database: Database;
    let drop: () => Promise<void>;
    let openAnother: (() => Promise<Database>) | undefined;
    let store: AccessStore;
    const hasher = createApiKeyHasher(randomBytes(32));
    // Every clear key handed out in this file, to prove none of them reached the database.
    const clearKeys: string[] = [];

    beforeAll(async () => {
      ({ database, drop, openAnother } = await backend.open());
      await migrateDatabase(database);
      store = createPostgresAccessStore(database, hasher);
    });

    afterAll(async () => {
      await store?.close();
      await drop?.();
    });

    it('finds a created key by its hash, with its app and scopes', async () => {
      const created = await createApiKey({
        store,
        appName: 'shop',
        scopes: ['verify', 'audit:read'],
        label: 'backend',
      });
      clearKeys.push(created.key);

      const principal = await store.findActiveKey(hasher.hash(created.key));

      expect(principal).toEqual({
        keyId: created.id,
        scopes: ['verify', 'audit:read'],
        app: { id: created.appId, name: 'shop', brand: null, webOtpDomain: null, settings: {} },
      });
    });

    it('no longer finds a key once it is revoked, and revokes it only once', async () => {
      const created = await createApiKey({ store, appName: 'shop', scopes: ['verify'] });
      clearKeys.push(created.key);

      expect(await store.revokeKey(created.id, new Date(), () => [])).toBe(created.appId);
      expect(await store.findActiveKey(hasher.hash(created.key))).toBeNull();
      expect(await store.revokeKey(created.id, new Date(), () => [])).toBeNull();
      expect(await store.revokeKey('key_doesnotexist', new Date(), () => [])).toBeNull();
    });

    it('says whether insertKey inserted, leaving an existing hash as it was', async () => {
      const app = await store.ensureApp('insert-once');
      const row = {
        appId: app.id,
        keyHash: hasher.hash('tsk_inserted-twice-by-the-contract-test'),
        hint: 'tsk_insert…',
        scopes: ['verify' as const],
        label: null,
      };
      expect(await store.insertKey({ ...row, id: 'key_insertonce0000000001' }, [])).toBe(true);
      expect(await store.insertKey({ ...row, id: 'key_insertonce0000000002' }, [])).toBe(false);
      expect((await store.listKeys('insert-once')).map((key) => key.id)).toEqual([
        'key_insertonce0000000001',
      ]);
    });

    it('audits a creation and a revocation with one row each, without the key', async () => {
      const created = await createApiKey({
        store,
        appName: 'audited',
        scopes: ['verify', 'admin'],
        label: 'ops',
      });
      clearKeys.push(created.key);
      const at = new Date('2030-01-02T03:04:05.000Z');

      const revoking = Date.now();
      expect(await revokeApiKey({ store, keyId: created.id, now: at })).toBe(true);
      const revoked = Date.now();
      // Nothing left to revoke: no change, so no row.
      expect(await revokeApiKey({ store, keyId: created.id, now: at })).toBe(false);
      expect(await revokeApiKey({ store, keyId: 'key_doesnotexist', now: at })).toBe(false);

      const rows = await readAuditEvents(database, created.appId, { limit: 10 });
      expect(rows.map((row) => row.type)).toEqual(['key.created', 'key.revoked']);
      expect(rows[0]).toMatchObject({
        appId: created.appId,
        outcome: 'ok',
        reason: null,
        verificationId: null,
        phoneMasked: null,
        phoneHmac: null,
        clientIp: null,
        detail: {
          key_id: created.id,
          scopes: ['verify', 'admin'],
          label: 'ops',
          hint: `${created.key.slice(0, 12)}…`,
        },
      });
      expect(rows[1]).toMatchObject({
        appId: created.appId,
        outcome: 'ok',
        detail: { key_id: created.id },
      });
      // The trail dates its rows itself, when it appends them (migration 0007), not the caller.
      expect(rows[1]?.createdAt.getTime()).toBeGreaterThanOrEqual(revoking);
      expect(rows[1]?.createdAt.getTime()).toBeLessThanOrEqual(revoked);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(created.key);
      expect(text).not.toContain(hasher.hash(created.key));
    });

    /** Postgres refuses audit rows of this type until the returned function is called. */
    async function refuseAuditRows(type: string): Promise<() => Promise<void>> {
      await database.db.execute(
        sql.raw(`create function test_refuse_audit() returns trigger language plpgsql as $$
          begin
            if new.type = '${type}' then raise exception 'audit row refused (test)'; end if;
            return new;
          end $$`),
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

    it('a key and its key.created row commit together: no row, no key (and bootstrap retries)', async () => {
      const keysBefore = await rowCount(database, 'api_keys');
      const restore = await refuseAuditRows('key.created');
      const bootstrap = generateApiKey();
      clearKeys.push(bootstrap);
      try {
        await expect(
          createApiKey({ store, appName: 'unaudited', scopes: ['verify'] }),
        ).rejects.toThrow();
        await expect(ensureBootstrapKey({ store, key: bootstrap })).rejects.toThrow();
        expect(await rowCount(database, 'api_keys')).toBe(keysBefore);
      } finally {
        await restore();
      }
      // The next start creates the bootstrap key, with its row, instead of finding it unaudited.
      expect(await ensureBootstrapKey({ store, key: bootstrap })).toEqual({ created: true });
      const principal = await store.findActiveKey(hasher.hash(bootstrap));
      const rows = await readAuditEvents(database, principal!.app.id, { limit: 100 });
      expect(
        rows.filter((row) => row.type === 'key.created' && row.detail.key_id === principal!.keyId),
      ).toHaveLength(1);
    });

    it('a revocation and its key.revoked row commit together: no row, still active', async () => {
      const created = await createApiKey({ store, appName: 'revoke-atomic', scopes: ['verify'] });
      clearKeys.push(created.key);
      const restore = await refuseAuditRows('key.revoked');
      try {
        await expect(revokeApiKey({ store, keyId: created.id, now: new Date() })).rejects.toThrow();
      } finally {
        await restore();
      }
      expect(await store.findActiveKey(hasher.hash(created.key))).not.toBeNull();
      expect(await revokeApiKey({ store, keyId: created.id, now: new Date() })).toBe(true);
      expect(await store.findActiveKey(hasher.hash(created.key))).toBeNull();
    });

    it('an app change and its app.updated row commit together: no row, no change', async () => {
      const before = await store.ensureApp('update-atomic');
      const restore = await refuseAuditRows('app.updated');
      try {
        await expect(
          updateApp({
            store,
            appName: 'update-atomic',
            changes: { brand: 'Loose' },
            now: new Date(),
          }),
        ).rejects.toThrow();
      } finally {
        await restore();
      }
      expect(await store.ensureApp('update-atomic')).toEqual(before);
      await updateApp({
        store,
        appName: 'update-atomic',
        changes: { brand: 'Loose' },
        now: new Date(),
      });
      expect((await store.ensureApp('update-atomic')).brand).toBe('Loose');
      const rows = await readAuditEvents(database, before.id, { limit: 10 });
      expect(rows.map((row) => row.type)).toEqual(['app.updated']);
    });

    it('answers null for a hash it has never seen', async () => {
      expect(await store.findActiveKey(hasher.hash('tsk_never-issued'))).toBeNull();
      expect(await store.findActiveKey('')).toBeNull();
    });

    it('ensures an app once, even when asked in parallel', async () => {
      const first = await store.ensureApp('billing');
      const again = await store.ensureApp('billing');
      expect(again).toEqual(first);

      const parallel = await Promise.all(
        Array.from({ length: 10 }, () => store.ensureApp('parallel-app')),
      );
      expect(new Set(parallel.map((app) => app.id)).size).toBe(1);
      const result = await database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from apps where name = 'parallel-app'`,
      );
      expect(result.rows[0]?.n).toBe(1);
    });

    it('refuses unknown or missing scopes before writing anything', async () => {
      const keysBefore = await rowCount(database, 'api_keys');
      const appsBefore = await rowCount(database, 'apps');
      const auditBefore = await rowCount(database, 'audit_events');

      await expect(
        createApiKey({ store, appName: 'typo-app', scopes: ['verify', 'admni'] }),
      ).rejects.toThrow(InvalidScopesError);
      await expect(createApiKey({ store, appName: 'typo-app', scopes: [] })).rejects.toThrow(
        InvalidScopesError,
      );

      expect(await rowCount(database, 'api_keys')).toBe(keysBefore);
      expect(await rowCount(database, 'apps')).toBe(appsBefore);
      expect(await rowCount(database, 'audit_events')).toBe(auditBefore);
    });

    it('ensures the bootstrap key idempotently, with every scope on the default app', async () => {
      const key = generateApiKey();
      clearKeys.push(key);

      expect(await ensureBootstrapKey({ store, key })).toEqual({ created: true });
      expect(await ensureBootstrapKey({ store, key })).toEqual({ created: false });

      const principal = await store.findActiveKey(hasher.hash(key));
      expect(principal?.app.name).toBe(BOOTSTRAP_APP_NAME);
      expect(principal?.scopes).toEqual([...SCOPES]);
      const bootstrapKeys = (await store.listKeys(BOOTSTRAP_APP_NAME)).filter(
        (listed) => listed.id === principal?.keyId,
      );
      expect(bootstrapKeys).toHaveLength(1);
      const result = await database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from api_keys where key_hash = ${hasher.hash(key)}`,
      );
      expect(result.rows[0]?.n).toBe(1);
      // Only the start that inserted the key audited it.
      const created = (await readAuditEvents(database, principal!.app.id, { limit: 100 })).filter(
        (row) => row.type === 'key.created' && row.detail.key_id === principal!.keyId,
      );
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        outcome: 'ok',
        detail: { scopes: [...SCOPES], label: 'bootstrap', hint: `${key.slice(0, 12)}…` },
      });
    });

    it('keeps a revoked bootstrap key revoked when it is ensured again', async () => {
      const key = generateApiKey();
      clearKeys.push(key);
      await ensureBootstrapKey({ store, key });
      const principal = await store.findActiveKey(hasher.hash(key));
      expect(principal).not.toBeNull();
      await store.revokeKey(principal!.keyId, new Date(), () => []);

      expect(await ensureBootstrapKey({ store, key })).toEqual({ created: false });

      expect(await store.findActiveKey(hasher.hash(key))).toBeNull();
    });

    it('lists keys newest first with hints, filtered by app, never with the clear key', async () => {
      const older = await createApiKey({ store, appName: 'listing', scopes: ['verify'] });
      const newer = await createApiKey({ store, appName: 'listing', scopes: ['admin'] });
      clearKeys.push(older.key, newer.key);

      const listing = await store.listKeys('listing');
      expect(listing.map((key) => key.id)).toEqual([newer.id, older.id]);
      expect(listing[0]).toMatchObject({ appName: 'listing', scopes: ['admin'], revokedAt: null });
      expect(listing[0]?.hint).toBe(`${newer.key.slice(0, 12)}…`);
      expect(listing[0]?.createdAt).toBeInstanceOf(Date);

      const everything = await store.listKeys();
      expect(everything.map((key) => key.appName)).toEqual(
        expect.arrayContaining(['shop', 'listing', BOOTSTRAP_APP_NAME]),
      );
      const text = JSON.stringify(everything);
      for (const key of clearKeys) expect(text).not.toContain(key);
    });

    it('stores no clear key anywhere in the database', async () => {
      expect(clearKeys.length).toBeGreaterThan(3);
      const dump = await dumpPublicTables(database);

      expect(dump).toContain('api_keys:');
      expect(dump).toContain(hasher.hash(clearKeys[0]!));
      for (const key of clearKeys) {
        expect(dump).not.toContain(key);
        // The part after the shown hint (prefix and public tag) is the secret: no fragment of it.
        expect(dump).not.toContain(key.slice(13, 33));
      }
    });

    /** A row as versions before hash_version wrote it: the key's plain SHA-256, no version. */
    async function insertLegacyKey(
      key: string,
      options: { revoked?: boolean; label?: string } = {},
    ) {
      const app = await store.ensureApp(BOOTSTRAP_APP_NAME);
      const id = `key_${randomBytes(16).toString('base64url')}`;
      await database.db.execute(
        sql`insert into api_keys (id, app_id, key_hash, hint, scopes, label, revoked_at)
            values (${id}, ${app.id}, ${hasher.legacyHash(key)}, 'tsk_legacy…', '{verify}',
                    ${options.label ?? 'legacy'}, ${options.revoked ? new Date() : null})`,
      );
      return id;
    }

    async function hashOf(id: string): Promise<{ key_hash: string; hash_version: number }> {
      const rows = await database.db.execute<{ key_hash: string; hash_version: number }>(
        sql`select key_hash, hash_version from api_keys where id = ${id}`,
      );
      return rows.rows[0]!;
    }

    it('finds a key an earlier version stored as SHA-256, rehashing it to the HMAC on that first use', async () => {
      const key = generateApiKey();
      clearKeys.push(key);
      const id = await insertLegacyKey(key);
      expect(await hashOf(id)).toEqual({ key_hash: hasher.legacyHash(key), hash_version: 1 });
      // A keyed lookup alone does not match a legacy row.
      expect(await store.findActiveKey(hasher.hash(key))).toBeNull();

      expect((await findApiKey(store, key))?.keyId).toBe(id);

      expect(await hashOf(id)).toEqual({ key_hash: hasher.hash(key), hash_version: 2 });
      expect((await store.findActiveKey(hasher.hash(key)))?.keyId).toBe(id);
      // The SHA-256 is gone, so it no longer matches anything either.
      expect(await store.upgradeLegacyKey(hasher.legacyHash(key), hasher.hash(key))).toMatchObject({
        keyId: id,
      });
      expect(await store.findActiveKey(hasher.legacyHash(key))).toBeNull();
    });

    it('refuses a revoked legacy key, and ensuring it as the bootstrap key does not revive it', async () => {
      const key = generateApiKey();
      clearKeys.push(key);
      const id = await insertLegacyKey(key, { revoked: true, label: 'bootstrap' });

      expect(await findApiKey(store, key)).toBeNull();
      expect(await ensureBootstrapKey({ store, key })).toEqual({ created: false });

      expect(await findApiKey(store, key)).toBeNull();
      expect(await hashOf(id)).toEqual({ key_hash: hasher.hash(key), hash_version: 2 });
    });

    it('ensures a legacy bootstrap key by rehashing its row, not by adding a second one', async () => {
      const key = generateApiKey();
      clearKeys.push(key);
      const id = await insertLegacyKey(key, { label: 'bootstrap' });

      expect(await ensureBootstrapKey({ store, key })).toEqual({ created: false });

      expect((await findApiKey(store, key))?.keyId).toBe(id);
      expect(await hashOf(id)).toMatchObject({ hash_version: 2 });
    });

    it('a stored hash is useless without SECRET_KEY: another SECRET_KEY finds nothing', async () => {
      const created = await createApiKey({ store, appName: 'keyed', scopes: ['verify'] });
      clearKeys.push(created.key);
      const stranger = createPostgresAccessStore(database, createApiKeyHasher(randomBytes(32)));

      expect(await findApiKey(stranger, created.key)).toBeNull();
      expect((await findApiKey(store, created.key))?.keyId).toBe(created.id);
    });

    // Two processes share one database only on a real server (PGlite is in-process): declared there
    // only, so that a CI run shows no skipped test.
    (backend.multiProcess ? it : () => {})(
      'a legacy key used by two processes at once authenticates on both, and ends as one keyed row',
      async () => {
        const key = generateApiKey();
        clearKeys.push(key);
        const id = await insertLegacyKey(key);
        const other = await openAnother!();
        try {
          const second = createPostgresAccessStore(other, hasher);
          const found = await Promise.all(
            Array.from({ length: 8 }, (_, i) => findApiKey(i % 2 ? second : store, key)),
          );
          expect(found.map((principal) => principal?.keyId)).toEqual(Array(8).fill(id));
        } finally {
          await other.close();
        }
        expect(await hashOf(id)).toEqual({ key_hash: hasher.hash(key), hash_version: 2 });
      },
    );

    it('treats applying the migrations a second time as a no-op', async () => {
      const applied = await database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      const keysBefore = await rowCount(database, 'api_keys');

      await migrateDatabase(database);

      const appliedAfter = await database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(appliedAfter.rows[0]?.n).toBe(applied.rows[0]?.n);
      expect(applied.rows[0]?.n).toBeGreaterThan(0);
      expect(await rowCount(database, 'api_keys')).toBe(keysBefore);
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
});
