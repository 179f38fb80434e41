import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessStore } from '../../src/access/access-store.ts';
import { createApiKeyHasher } from '../../src/access/api-key-format.ts';
import { findApiKey } from '../../src/access/api-keys.ts';
import { createPostgresAccessStore } from '../../src/access/postgres-access-store.ts';
import { readAuditEvents } from '../../src/audit/postgres-writer.ts';
import { runCli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/config.ts';
import { loadOrCreateDevSecret } from '../../src/config/dev-secret.ts';
import { type Database, type OpenDatabaseOptions, openDatabase } from '../../src/db/database.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[], env: Record<string, string>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    env,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const CLEAR_KEY = /tsk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/g;
const KEY_ID = /key_[A-Za-z0-9_-]{22}/;

interface Backend {
  name: string;
  available: boolean;
  /** The environment the CLI gets, and how the test opens the same database to check it. */
  setup: (dataDir: string) => Promise<{
    env: Record<string, string>;
    options: OpenDatabaseOptions;
    drop: () => Promise<void>;
  }>;
}

const backends: Backend[] = [
  {
    name: 'postgres (DATABASE_URL)',
    available: postgresUrl !== null,
    setup: async (dataDir) => {
      const testDb = await createTestDatabase();
      return {
        env: { DATABASE_URL: testDb.url, DATA_DIR: dataDir },
        options: { url: testDb.url },
        drop: testDb.drop,
      };
    },
  },
  {
    name: 'pglite (DATA_DIR only)',
    available: true,
    setup: async (dataDir) => ({
      env: { DATA_DIR: dataDir },
      options: { pgliteDir: join(dataDir, 'pglite') },
      drop: async () => {},
    }),
  },
];

describe.each(backends)('tessera keys over $name', (backend) => {
  describe.skipIf(!backend.available)('cli', () => {
    let dataDir: string;
    let env: Record<string, string>;
    let options: OpenDatabaseOptions;
    let drop: () => Promise<void>;

    // Opened only between CLI runs: an embedded PGlite directory takes one opener at a time. Keys
    // are hashed with the secret the CLI used: without SECRET_KEY, the one it made in DATA_DIR.
    async function inspect<T>(work: (store: AccessStore, database: Database) => Promise<T>) {
      const database = await openDatabase(options);
      const secret = loadOrCreateDevSecret(dataDir).key;
      try {
        const hasher = createApiKeyHasher(deriveKeys(secret).apiKeyHashKey);
        return await work(createPostgresAccessStore(database, hasher), database);
      } finally {
        await database.close();
      }
    }

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
      ({ env, options, drop } = await backend.setup(dataDir));
    });

    afterAll(async () => {
      await drop?.();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('applies migrations with `migrate`', async () => {
      const run = await cli(['migrate'], env);
      expect(run).toMatchObject({ code: 0, err: '' });
      expect(run.out).toMatch(/migrations applied/);
    });

    it('creates a key that is printed once and then authenticates through the store', async () => {
      const run = await cli(
        ['keys', 'create', '--app', 'shop', '--scopes', 'verify,audit:read', '--label', 'backend'],
        env,
      );

      expect(run.code).toBe(0);
      expect(run.err).toBe('');
      const keys = run.out.match(CLEAR_KEY) ?? [];
      expect(keys).toHaveLength(1);
      expect(run.out).toMatch(/will not be shown again/);
      const keyId = run.out.match(KEY_ID)?.[0];
      expect(keyId).toBeDefined();

      const principal = await inspect((store) => findApiKey(store, keys[0]!));
      expect(principal).toMatchObject({
        keyId,
        scopes: ['verify', 'audit:read'],
        app: { name: 'shop' },
      });
    });

    it('lists keys with their hint and never the key itself', async () => {
      const created = await cli(['keys', 'create', '--app', 'listed', '--scopes', 'admin'], env);
      const key = created.out.match(CLEAR_KEY)?.[0];
      const keyId = created.out.match(KEY_ID)?.[0];
      expect(key).toBeDefined();

      const all = await cli(['keys', 'list'], env);
      expect(all.code).toBe(0);
      expect(all.out).toMatch(/^ID\s+APP\s+HINT\s+SCOPES/);
      expect(all.out).toContain(keyId);
      expect(all.out).toContain(`${key!.slice(0, 12)}…`);
      expect(all.out).toContain('shop');
      expect(all.out.match(CLEAR_KEY)).toBeNull();
      expect(all.out).not.toContain(key!.slice(13));

      const filtered = await cli(['keys', 'list', '--app', 'listed'], env);
      expect(filtered.out).toContain(keyId);
      expect(filtered.out).not.toContain('shop');

      const none = await cli(['keys', 'list', '--app', 'nobody'], env);
      expect(none).toMatchObject({ code: 0, out: 'no API keys for app nobody' });
    });

    it('revokes a key so it no longer authenticates, and says so when there is nothing to revoke', async () => {
      const created = await cli(['keys', 'create', '--app', 'shop', '--scopes', 'verify'], env);
      const key = created.out.match(CLEAR_KEY)?.[0];
      const keyId = created.out.match(KEY_ID)?.[0];

      const revoked = await cli(['keys', 'revoke', keyId!], env);
      expect(revoked).toMatchObject({ code: 0, out: `revoked ${keyId}` });
      expect(await inspect((store) => findApiKey(store, key!))).toBeNull();

      const listed = await cli(['keys', 'list', '--app', 'shop'], env);
      const row = listed.out.split('\n').find((line) => line.startsWith(keyId!));
      expect(row).toMatch(/\d{4}-\d{2}-\d{2}T\S+Z$/);

      const again = await cli(['keys', 'revoke', keyId!], env);
      expect(again.code).toBe(1);
      expect(again.err).toContain(`no active API key with id ${keyId}`);
    });

    it('audits `keys create` and `keys revoke` with one row each, never holding the key', async () => {
      const created = await cli(
        ['keys', 'create', '--app', 'audited', '--scopes', 'verify', '--label', 'ops'],
        env,
      );
      expect(created.code).toBe(0);
      const key = created.out.match(CLEAR_KEY)?.[0];
      const keyId = created.out.match(KEY_ID)?.[0];
      expect(key).toBeDefined();
      expect(await cli(['keys', 'revoke', keyId!], env)).toMatchObject({ code: 0 });
      // A revoke that changes nothing writes nothing.
      expect((await cli(['keys', 'revoke', keyId!], env)).code).toBe(1);

      const { rows, table } = await inspect(async (_store, database) => {
        const app = await database.db.execute<{ id: string }>(
          sql`select id from apps where name = 'audited'`,
        );
        const appId = app.rows[0]?.id;
        expect(appId).toBeDefined();
        const all = await database.db.execute(sql`select * from audit_events`);
        return {
          rows: await readAuditEvents(database, appId!, { limit: 100 }),
          table: JSON.stringify(all.rows),
        };
      });
      expect(rows.map((row) => [row.type, row.outcome, row.detail.key_id])).toEqual([
        ['key.created', 'ok', keyId],
        ['key.revoked', 'ok', keyId],
      ]);
      expect(rows[0]?.detail).toEqual({
        key_id: keyId,
        scopes: ['verify'],
        label: 'ops',
        hint: `${key!.slice(0, 12)}…`,
      });
      // Not the key, not its secret part, not even its hash, in any row of any app.
      expect(table).not.toContain(key!);
      expect(table).not.toContain(key!.slice(13));
      expect(table).not.toContain(createHash('sha256').update(key!).digest('hex'));
      expect(table.match(CLEAR_KEY)).toBeNull();
    });

    it('changes app settings with `apps set`, audited, and shows them in force with `apps show`', async () => {
      const settings = { limits: { phoneSendHour: 3 }, allowedCountries: ['FR', 'BE'] };
      const set = await cli(
        ['apps', 'set', '--app', 'shop', '--brand', 'Shop', '--settings', JSON.stringify(settings)],
        env,
      );
      expect(set.code).toBe(0);
      const shown = await cli(['apps', 'show', '--app', 'shop'], env);
      expect(shown.code).toBe(0);
      const app = JSON.parse(shown.out);
      expect(app).toMatchObject({
        name: 'shop',
        brand: 'Shop',
        settings: { allowedCountries: ['FR', 'BE'] },
      });
      expect(app.settings.limits).toMatchObject({
        phoneSendHour: 3,
        phoneSendDay: 10,
        ipSendHour: 20,
        phoneLockFailures: 100,
      });
      const rows = await inspect(async (store, database) =>
        readAuditEvents(database, (await store.ensureApp('shop')).id, { limit: 10 }),
      );
      expect(rows.filter((row) => row.type === 'app.updated')).toHaveLength(1);
    });

    it("loosens an app's code policy with `apps set`, and the app.updated row shows before and after", async () => {
      const shop = await cli(['apps', 'show', '--app', 'policy'], env);
      expect(JSON.parse(shop.out).settings.codePolicy).toEqual({
        minCodeLength: 6,
        maxTtlSeconds: 600,
      });
      const loosened = { codePolicy: { minCodeLength: 4, maxTtlSeconds: 1800 } };
      const set = await cli(
        ['apps', 'set', '--app', 'policy', '--settings', JSON.stringify(loosened)],
        env,
      );
      expect(set.code).toBe(0);
      const shown = JSON.parse((await cli(['apps', 'show', '--app', 'policy'], env)).out);
      expect(shown.settings.codePolicy).toEqual(loosened.codePolicy);
      const rows = await inspect(async (store, database) =>
        readAuditEvents(database, (await store.ensureApp('policy')).id, { limit: 10 }),
      );
      const updated = rows.filter((row) => row.type === 'app.updated');
      expect(updated).toHaveLength(1);
      expect(updated[0]?.detail).toEqual({
        changes: { settings: loosened },
        previous: { settings: {} },
      });
    });

    it('refuses a code policy past the absolute bounds (4-10 digits, 60-1800 s)', async () => {
      for (const codePolicy of [
        { minCodeLength: 3 },
        { minCodeLength: 11 },
        { maxTtlSeconds: 1801 },
        { maxTtlSeconds: 59 },
      ]) {
        const settings = JSON.stringify({ codePolicy });
        const run = await cli(['apps', 'set', '--app', 'lax', '--settings', settings], env);
        expect(run.code, settings).toBe(2);
        expect(run.err).toMatch(/codePolicy\.(minCodeLength|maxTtlSeconds)/);
      }
      const rows = await inspect(async (_store, database) =>
        database.db.execute(sql`select * from apps where name = 'lax'`),
      );
      expect(rows.rows).toEqual([]);
    });

    it('refuses a brand or domain that would make the code SMS take two segments', async () => {
      const run = await cli(
        [
          'apps',
          'set',
          '--app',
          'long',
          '--brand',
          'B'.repeat(30),
          '--webotp-domain',
          `${'d'.repeat(60)}.example.com`,
        ],
        env,
      );
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/2 segments/);
    });

    it('refuses a settings typo or a bad value and changes nothing', async () => {
      for (const settings of [
        '{"limits":{"phoneSendHours":3}}',
        '{"limits":{"phoneSendHour":-1}}',
        // NIST SP 800-63B 5.2.2: a number may not be allowed more than 100 failures.
        '{"limits":{"phoneLockFailures":101}}',
        'not json',
      ]) {
        const run = await cli(['apps', 'set', '--app', 'strict', '--settings', settings], env);
        expect(run.code, settings).toBe(2);
        expect(run.err).toMatch(/error: /);
      }
      const rows = await inspect(async (_store, database) =>
        database.db.execute(sql`select * from apps where name = 'strict'`),
      );
      expect(rows.rows).toEqual([]);
    });

    it('refuses unknown scopes with a clear message and creates nothing', async () => {
      const run = await cli(['keys', 'create', '--app', 'typo', '--scopes', 'verify,admni'], env);

      expect(run.code).toBe(2);
      expect(run.out).toBe('');
      expect(run.err).toContain('unknown scope admni');
      expect(run.err).toContain('verify, audit:read, admin');

      const empty = await cli(['keys', 'create', '--app', 'typo', '--scopes', ','], env);
      expect(empty.code).toBe(2);
      expect(empty.err).toContain('at least one scope');

      const typoApps = await inspect(async (_store, database) => {
        const result = await database.db.execute<{ n: number }>(
          sql`select count(*)::int as n from apps where name = 'typo'`,
        );
        return result.rows[0]?.n;
      });
      expect(typoApps).toBe(0);
    });

    it('reports a missing required option without exiting the process', async () => {
      const run = await cli(['keys', 'create', '--app', 'shop'], env);
      expect(run.code).not.toBe(0);
      expect(run.err).toContain("required option '--scopes <list>' not specified");
    });
  });
});

describe('tessera cli without a database', () => {
  it('`keys generate` prints a key that BOOTSTRAP_API_KEY accepts, and stores nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    try {
      const first = await cli(['keys', 'generate'], { DATA_DIR: dataDir });
      const second = await cli(['keys', 'generate'], { DATA_DIR: dataDir });

      expect(first).toMatchObject({ code: 0, err: '' });
      expect(first.out).toMatch(new RegExp(`^${CLEAR_KEY.source}$`));
      expect(second.out).not.toBe(first.out);
      expect(loadConfig({ BOOTSTRAP_API_KEY: first.out }).bootstrapApiKey).toBe(first.out);
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the field errors when the configuration is invalid', async () => {
    const run = await cli(['keys', 'list'], { PORT: 'not-a-port', DATA_DIR: tmpdir() });
    expect(run.code).toBe(2);
    expect(run.err).toContain('invalid configuration');
    expect(run.err).toContain('PORT');
  });

  it('prints help with exit code 0 and rejects unknown commands', async () => {
    const help = await cli(['keys', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toContain('create');
    expect(help.out).toContain('revoke');

    const unknown = await cli(['keys', 'rotate'], {});
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('rotate');
  });
});
