import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { subjectKeys } from '../db/schema.ts';
import type { SubjectKeyStore } from './subject-key-store.ts';

export function createPostgresSubjectKeyStore(database: Database): SubjectKeyStore {
  const { db } = database;
  const row = (appId: string, lookup: string) =>
    and(eq(subjectKeys.appId, appId), eq(subjectKeys.lookup, lookup));
  const find = async (appId: string, lookup: string) => {
    const rows = await db
      .select({ keySealed: subjectKeys.keySealed })
      .from(subjectKeys)
      .where(row(appId, lookup))
      .limit(1);
    return rows[0]?.keySealed ?? null;
  };
  return {
    find,
    async ensure(appId, lookup, keySealed, at) {
      const inserted = await db
        .insert(subjectKeys)
        .values({ appId, lookup, keySealed, createdAt: at })
        .onConflictDoNothing()
        .returning({ keySealed: subjectKeys.keySealed });
      const stored = inserted[0]?.keySealed ?? (await find(appId, lookup));
      // Only an erasure between the two statements could leave nothing: the caller retries.
      if (stored === null) throw new Error('subject key erased while it was being made');
      return stored;
    },
    async remove(appId, lookup) {
      const rows = await db
        .delete(subjectKeys)
        .where(row(appId, lookup))
        .returning({ appId: subjectKeys.appId });
      return rows.length > 0;
    },
  };
}
