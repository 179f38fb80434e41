import { type Database, openDatabase } from '../../src/db/database.ts';
import { createTestDatabase, postgresUrl } from './real-stores.ts';

export interface DatabaseBackend {
  name: string;
  available: boolean;
  /** Whether a second handle on the same database can be opened (PGlite is one process). */
  multiProcess: boolean;
  open: () => Promise<{
    database: Database;
    /** Another handle on the same database, as a second Tessera process would have. */
    openAnother?: () => Promise<Database>;
    drop: () => Promise<void>;
  }>;
}

/** The store suites run on both: a fresh real Postgres database, and PGlite in memory. */
export const DATABASE_BACKENDS: DatabaseBackend[] = [
  {
    name: 'postgres',
    available: postgresUrl !== null,
    multiProcess: true,
    open: async () => {
      const testDb = await createTestDatabase();
      return {
        database: await openDatabase({ url: testDb.url }),
        openAnother: () => openDatabase({ url: testDb.url }),
        drop: testDb.drop,
      };
    },
  },
  {
    name: 'pglite (in memory)',
    available: true,
    multiProcess: false,
    open: async () => ({ database: await openDatabase({ pgliteDir: null }), drop: async () => {} }),
  },
];
