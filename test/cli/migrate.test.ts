import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import {
  createDatabaseWithRoles,
  type DatabaseWithRoles,
  refusal,
} from '../audit/database-roles.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('MIGRATE_ON_START', () => {
  const production = {
    NODE_ENV: 'production',
    SECRET_KEY: randomBytes(32).toString('hex'),
    DATABASE_URL: 'postgres://tessera@db/tessera',
    REDIS_URL: 'redis://cache:6379',
    SMS_ROUTES: JSON.stringify([
      {
        name: 'primary',
        provider: 'kannel',
        url: 'http://kannel:13013',
        username: 'u',
        password: 'p',
      },
    ]),
  };

  it('is on by default outside production, where the embedded start migrates by itself', () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
  });

  it('is off by default in production, where the service runs as a role that cannot migrate', () => {
    expect(loadConfig(production).migrateOnStart).toBe(false);
    expect(loadConfig({ ...production, MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
  });

  it('takes only true or false', () => {
    expect(() => loadConfig({ MIGRATE_ON_START: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ MIGRATE_ON_START: 'yes' })).toThrow(/MIGRATE_ON_START/);
  });
});

describe('tessera migrate --grant-runtime-role on the embedded database', () => {
  it('is refused: PGlite has a single role', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    try {
      const run = await cli(['migrate', '--grant-runtime-role', 'tessera_runtime'], {
        DATA_DIR: dataDir,
      });
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/needs PostgreSQL \(DATABASE_URL\)/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!postgresUrl)('tessera migrate --grant-runtime-role', () => {
  let roles: DatabaseWithRoles;
  let dataDir: string;
  let owner: Record<string, string>;
  let runtime: Record<string, string>;

  beforeAll(async () => {
    roles = await createDatabaseWithRoles();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    owner = { DATABASE_URL: roles.owner.url, DATA_DIR: dataDir };
    runtime = { DATABASE_URL: roles.runtime.url, DATA_DIR: dataDir, MIGRATE_ON_START: 'false' };
  });

  afterAll(async () => {
    await roles?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a role that does not exist, naming what to create', async () => {
    const run = await cli(['migrate', '--grant-runtime-role', 'tessera_nobody_here'], owner);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/role tessera_nobody_here does not exist: create it first/);
  });

  it('refuses to make the owner, or a role that can become it, the runtime role', async () => {
    const asOwner = await cli(['migrate', '--grant-runtime-role', roles.owner.name], owner);
    expect(asOwner.code).toBe(1);
    expect(asOwner.err).toMatch(/can act as the owner of audit_events \(owner or member of it\)/);

    const admin = new pg.Client({ connectionString: postgresUrl as string });
    await admin.connect();
    const creator = `tessera_creator_${randomBytes(4).toString('hex')}`;
    try {
      await admin.query(`create role ${creator} login createrole`);
      const run = await cli(['migrate', '--grant-runtime-role', creator], owner);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/\(CREATEROLE\)/);
      const superuser = await cli(['migrate', '--grant-runtime-role', 'postgres'], owner);
      expect(superuser.err).toMatch(/\(superuser\)/);
    } finally {
      await admin.query(`drop role ${creator}`);
      await admin.end();
    }
  });

  it('leaves audit_events read-only to the runtime role, even after a broader grant, and can be run again', async () => {
    expect((await cli(['migrate', '--grant-runtime-role', roles.runtime.name], owner)).code).toBe(
      0,
    );
    // An operator's earlier mistake, undone by the next run.
    const ownerClient = new pg.Client({ connectionString: roles.owner.url });
    await ownerClient.connect();
    try {
      await ownerClient.query(
        `grant insert, update, delete on audit_events to ${roles.runtime.name}`,
      );
    } finally {
      await ownerClient.end();
    }
    const run = await cli(['migrate', '--grant-runtime-role', roles.runtime.name], owner);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/runtime role .* may read audit_events and append only through/);

    const attacker = new pg.Client({ connectionString: roles.runtime.url });
    await attacker.connect();
    try {
      const privileges = await attacker.query<{ privilege: string }>(
        `select privilege_type as privilege from information_schema.table_privileges
         where grantee = current_user and table_name = 'audit_events'`,
      );
      expect(privileges.rows).toEqual([{ privilege: 'SELECT' }]);
      expect((await refusal(attacker, 'delete from audit_events'))?.message).toBe(
        'permission denied for table audit_events',
      );
    } finally {
      await attacker.end();
    }
  });

  it('lets the admin commands run as the runtime role, which cannot migrate', async () => {
    const created = await cli(['keys', 'create', '--app', 'shop', '--scopes', 'verify'], runtime);
    expect(created).toMatchObject({ code: 0, err: '' });
    const listed = await cli(['keys', 'list'], runtime);
    expect(listed.out).toMatch(/shop/);
    // Told to migrate, it cannot: the schema belongs to the owner.
    const migrating = await cli(['migrate'], { ...runtime, MIGRATE_ON_START: 'true' });
    expect(migrating.code).toBe(1);
    expect(migrating.err).toMatch(
      /cannot migrate as this role \(permission denied\): run `tessera migrate` as the role that owns the schema/,
    );
  });

  it('with migrations off, an admin command on a database that lacks migrations fails, naming `tessera migrate`', async () => {
    const empty = await createTestDatabase();
    try {
      const run = await cli(['keys', 'list'], {
        DATABASE_URL: empty.url,
        DATA_DIR: dataDir,
        MIGRATE_ON_START: 'false',
      });
      expect(run.code).toBe(1);
      expect(run.err).toMatch(
        /lacks \d+ migration\(s\) of this release and MIGRATE_ON_START is false: run `tessera migrate`/,
      );
    } finally {
      await empty.drop();
    }
  });
});
