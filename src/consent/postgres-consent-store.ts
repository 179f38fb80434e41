import { and, asc, eq } from 'drizzle-orm';
import type { Database, TesseraDb } from '../db/database.ts';
import { consentOppositions, consentRecords } from '../db/schema.ts';
import type { ConsentAction, ConsentRecord, NewConsentRecord } from './record.ts';
import type { ConsentStore } from './store.ts';

type Row = typeof consentRecords.$inferSelect;

function toRecord(row: Row): ConsentRecord {
  return { ...row, method: row.method as ConsentRecord['method'] };
}

async function append(tx: TesseraDb, record: NewConsentRecord, action: ConsentAction) {
  const rows = await tx
    .insert(consentRecords)
    .values({ ...record, action })
    .returning();
  const row = rows[0];
  if (!row) throw new Error('consent record not returned');
  return toRecord(row);
}

export function createPostgresConsentStore(database: Database): ConsentStore {
  const { db } = database;
  const opposition = (appId: string, phoneHmac: string) =>
    and(eq(consentOppositions.appId, appId), eq(consentOppositions.phoneHmac, phoneHmac));

  return {
    grant(record, reOptIn) {
      return database.transaction(async (tx) => {
        // Locked, so a STOP arriving meanwhile is ordered before or after this grant, not lost.
        const opposed = await tx
          .select({ since: consentOppositions.since })
          .from(consentOppositions)
          .where(opposition(record.appId, record.phoneHmac))
          .for('update');
        if (opposed.length > 0 && !reOptIn) return append(tx, record, 'blocked');
        await tx.delete(consentOppositions).where(opposition(record.appId, record.phoneHmac));
        return append(tx, record, 'granted');
      });
    },

    withdraw(record) {
      return database.transaction(async (tx) => {
        await tx
          .insert(consentOppositions)
          .values({ appId: record.appId, phoneHmac: record.phoneHmac, since: record.createdAt })
          .onConflictDoNothing();
        return append(tx, record, 'withdrawn');
      });
    },

    async history(appId, phoneHmac) {
      const rows = await db
        .select()
        .from(consentRecords)
        .where(and(eq(consentRecords.appId, appId), eq(consentRecords.phoneHmac, phoneHmac)))
        .orderBy(asc(consentRecords.id));
      return rows.map(toRecord);
    },

    async opposedSince(appId, phoneHmac) {
      const rows = await db
        .select({ since: consentOppositions.since })
        .from(consentOppositions)
        .where(opposition(appId, phoneHmac))
        .limit(1);
      return rows[0]?.since ?? null;
    },
  };
}
