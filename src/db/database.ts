import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { sqlState } from '../kernel/postgres-failure.ts';
import * as schema from './schema.ts';

/** The part of a raw `execute()` result both drivers share (pg's QueryResult, PGlite's Results). */
export interface RawRows<TRow> {
  rows: TRow[];
}

/** Lets `db.execute()` be typed with `.rows` whichever driver is behind it. */
export interface RawRowsHKT extends PgQueryResultHKT {
  readonly type: RawRows<this['row']>;
}

/** What node-postgres and PGlite databases have in common; stores are written against this. */
export type TesseraDb = PgDatabase<RawRowsHKT, typeof schema>;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: TesseraDb;
  /**
   * Runs `work` in one transaction. Use this rather than `db.transaction`: drizzle's node-postgres
   * transaction leaks its pooled connection when BEGIN itself fails (a connection lost under it),
   * and a leaked connection makes the pool's shutdown wait forever.
   */
  transaction<T>(
    work: (tx: TesseraDb) => Promise<T>,
    options?: { isolationLevel?: 'read committed' },
  ): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type OpenDatabaseOptions = { url: string } | { pgliteDir: string | null };

interface DriverHandle extends Database {
  migrate(folder: string): Promise<void>;
}

// The migrator needs the concrete driver type, so each Database keeps its own migrate function
// here rather than on the public interface.
const migrators = new WeakMap<Database, (folder: string) => Promise<void>>();

// Any fixed number works; it only has to be the same for every Tessera process on one database.
const MIGRATION_LOCK_ID = 7_361_552_044;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const handle = 'url' in options ? openPostgres(options.url) : await openPglite(options.pgliteDir);
  const { migrate, ...database } = handle;
  migrators.set(database, migrate);
  return database;
}

function openPostgres(url: string): DriverHandle {
  // Queries here are short single-row lookups, so a few connections suffice; a short connect
  // timeout makes an unreachable server fail readiness and the CLI fast instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 2000 });
  // An idle client dropped by the server emits 'error' on the pool; unhandled it would crash the
  // process, while the next query simply gets a fresh connection or fails on its own.
  pool.on('error', () => {});
  // Likewise for a checked-out client between two statements of a transaction: the statement in
  // flight (or the next one) fails on its own and the caller answers 503; without a listener the
  // 'error' event would crash the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzleNodePg({ client: pool, schema });
  return {
    kind: 'postgres',
    db,
    transaction: async (work, options) => {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query(
          options?.isolationLevel ? `begin isolation level ${options.isolationLevel}` : 'begin',
        );
        try {
          const result = await work(drizzleNodePg({ client, schema }) as unknown as TesseraDb);
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        }
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        // Handing the error back makes the pool discard the connection instead of reusing it.
        client.release(failure);
      }
    },
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
    migrate: async (migrationsFolder) => {
      // drizzle's migrator takes no lock, so two processes starting together could both apply the
      // same migration; one connection holding an advisory lock serialises them.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        try {
          await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
        }
      } finally {
        client.release();
      }
    },
  };
}

async function openPglite(dir: string | null): Promise<DriverHandle> {
  if (dir !== null) mkdirSync(dir, { recursive: true });
  const client = dir === null ? new PGlite() : new PGlite(dir);
  await client.waitReady;
  const db = drizzlePglite({ client, schema });
  return {
    kind: 'pglite',
    db,
    transaction: (work, options) =>
      db.transaction(
        (tx) => work(tx as unknown as TesseraDb),
        options ? { isolationLevel: options.isolationLevel } : undefined,
      ),
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
    migrate: (migrationsFolder) => migratePglite(db, { migrationsFolder }),
  };
}

const UNDEFINED_TABLE = '42P01';
const INVALID_SCHEMA_NAME = '3F000';
const INSUFFICIENT_PRIVILEGE = '42501';

// The generated migrations shipped next to this module (copied to dist by the build).
const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the generated migrations, as the role that owns the schema (README, Database roles). */
export async function migrateDatabase(database: Database): Promise<void> {
  const migrate = migrators.get(database);
  if (!migrate) throw new Error('migrateDatabase needs a Database returned by openDatabase');
  try {
    await migrate(MIGRATIONS_FOLDER);
  } catch (error) {
    if (sqlState(error) !== INSUFFICIENT_PRIVILEGE) throw error;
    // The runtime role, most likely, started with MIGRATE_ON_START left on.
    throw new Error(
      'cannot migrate as this role (permission denied): run `tessera migrate` as the role that owns the schema, and the service with MIGRATE_ON_START=false',
      { cause: error },
    );
  }
}

/** The database lacks a migration of this release, and was not to be migrated (MIGRATE_ON_START). */
export class SchemaBehindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaBehindError';
  }
}

/**
 * Instead of migrating (MIGRATE_ON_START=false, the runtime role cannot): fails unless every
 * migration of this release is applied. Reads the journal drizzle's migrator keeps, as it does:
 * a migration is applied when the newest recorded one is not older than it. A schema newer than
 * this release (the previous one still running during an upgrade) is accepted.
 */
export async function assertMigrated(database: Database): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  let applied = 0;
  try {
    const result = await database.db.execute<{ newest: string | null }>(
      sql`select max(created_at)::text as newest from drizzle.__drizzle_migrations`,
    );
    applied = Number(result.rows[0]?.newest ?? 0);
  } catch (error) {
    const state = sqlState(error);
    if (state === INSUFFICIENT_PRIVILEGE) {
      throw new SchemaBehindError(
        'cannot read which migrations are applied (drizzle.__drizzle_migrations): run `tessera migrate --grant-runtime-role <this role>` as the role that owns the schema',
      );
    }
    // Never migrated: no journal yet.
    if (state !== UNDEFINED_TABLE && state !== INVALID_SCHEMA_NAME) throw error;
  }
  const pending = migrations.filter((migration) => migration.folderMillis > applied).length;
  if (pending > 0) {
    throw new SchemaBehindError(
      `the database schema lacks ${pending} migration(s) of this release and MIGRATE_ON_START is false: run \`tessera migrate\` as the role that owns the schema, then start again`,
    );
  }
}
