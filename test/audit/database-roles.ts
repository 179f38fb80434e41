import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';

export interface DatabaseWithRoles {
  /** The role that owns the schema and runs `tessera migrate`. */
  owner: { name: string; url: string };
  /** The role `tessera serve` runs as, once `migrate --grant-runtime-role` has named it. */
  runtime: { name: string; url: string };
  /** A role Tessera was never told about. */
  stranger: { name: string; url: string };
  drop: () => Promise<void>;
}

/**
 * A fresh database and three login roles of its own (roles are cluster-wide, hence the random
 * suffix): the owner owns the database, as the README's Database roles section sets it up; nothing
 * is granted yet. `drop` removes the database, then the roles.
 */
export async function createDatabaseWithRoles(): Promise<DatabaseWithRoles> {
  if (!postgresUrl) throw new Error('no PostgreSQL server for this run');
  const testDb = await createTestDatabase();
  const suffix = randomBytes(4).toString('hex');
  const names = {
    owner: `tessera_owner_${suffix}`,
    runtime: `tessera_runtime_${suffix}`,
    stranger: `tessera_stranger_${suffix}`,
  };
  const database = decodeURIComponent(new URL(testDb.url).pathname.slice(1));
  await asAdmin(async (admin) => {
    for (const name of Object.values(names)) await admin.query(`create role ${name} login`);
    await admin.query(`alter database ${database} owner to ${names.owner}`);
  });
  const as = (name: string) => {
    const url = new URL(testDb.url);
    url.username = name;
    return { name, url: url.toString() };
  };
  return {
    owner: as(names.owner),
    runtime: as(names.runtime),
    stranger: as(names.stranger),
    drop: async () => {
      await testDb.drop();
      await asAdmin(async (admin) => {
        for (const name of Object.values(names)) await admin.query(`drop role if exists ${name}`);
      });
    },
  };
}

async function asAdmin(work: (admin: pg.Client) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl as string });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

/** The error a statement fails with (SQLSTATE and message), or null if it succeeded. */
export async function refusal(
  client: pg.Client,
  text: string,
  values: unknown[] = [],
): Promise<{ code: string; message: string } | null> {
  try {
    await client.query(text, values);
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? '', message };
  }
}
