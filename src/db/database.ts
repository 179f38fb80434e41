import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
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

/** Applies the generated migrations shipped next to this module (copied to dist by the build). */
export async function migrateDatabase(database: Database): Promise<void> {
  const migrate = migrators.get(database);
  if (!migrate) throw new Error('migrateDatabase needs a Database returned by openDatabase');
  await migrate(fileURLToPath(new URL('./migrations', import.meta.url)));
}
