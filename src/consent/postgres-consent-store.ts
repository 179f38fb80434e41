import { and, asc, eq, inArray, sql } from 'drizzle-orm';
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

/**
 * Lets this transaction delete consent proof (migration 0015_subject_keys): only an erasure or a
 * retention run does, never an ordinary statement.
 */
async function allowProofDeletion(tx: TesseraDb): Promise<void> {
  await tx.execute(sql`select set_config('tessera.forget_consent', 'on', true)`);
}

export function createPostgresConsentStore(database: Database): ConsentStore {
  const { db } = database;
  const oppositions = (appId: string, hmacs: readonly string[]) =>
    and(eq(consentOppositions.appId, appId), inArray(consentOppositions.phoneHmac, [...hmacs]));

  return {
    grant(record, reOptIn, hmacs) {
      const all = [...new Set([record.phoneHmac, ...hmacs])];
      return database.transaction(async (tx) => {
        // Locked, so a STOP arriving meanwhile is ordered before or after this grant, not lost.
        const opposed = await tx
          .select({ since: consentOppositions.since })
          .from(consentOppositions)
          .where(oppositions(record.appId, all))
          .for('update');
        if (opposed.length > 0 && !reOptIn) return append(tx, record, 'blocked');
        await tx.delete(consentOppositions).where(oppositions(record.appId, all));
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

    async history(appId, hmacs) {
      const rows = await db
        .select()
        .from(consentRecords)
        .where(and(eq(consentRecords.appId, appId), inArray(consentRecords.phoneHmac, [...hmacs])))
        .orderBy(asc(consentRecords.id));
      return rows.map(toRecord);
    },

    async opposedSince(appId, hmacs) {
      const rows = await db
        .select({ since: consentOppositions.since })
        .from(consentOppositions)
        .where(oppositions(appId, hmacs))
        .orderBy(asc(consentOppositions.since))
        .limit(1);
      return rows[0]?.since ?? null;
    },

    forget(appId, hmacs) {
      return database.transaction(async (tx) => {
        await allowProofDeletion(tx);
        const records = await tx
          .delete(consentRecords)
          .where(
            and(eq(consentRecords.appId, appId), inArray(consentRecords.phoneHmac, [...hmacs])),
          )
          .returning({ id: consentRecords.id });
        const opposed = await tx
          .delete(consentOppositions)
          .where(oppositions(appId, hmacs))
          .returning({ since: consentOppositions.since });
        return { records: records.length, oppositions: opposed.length };
      });
    },

    expireWithdrawn(appId, before) {
      return database.transaction(async (tx) => {
        await allowProofDeletion(tx);
        const rows = await tx.execute<{ id: number }>(sql`
          delete from consent_records
           where app_id = ${appId}
             and phone_hmac in (
               select phone_hmac from consent_records
                where app_id = ${appId}
                group by phone_hmac
               having max(created_at) filter (where action = 'withdrawn') < ${before.toISOString()}::timestamptz
                  -- Rows in the order they were appended: a grant and a STOP in one millisecond.
                  and coalesce(max(id) filter (where action = 'granted'), 0)
                      < max(id) filter (where action = 'withdrawn'))
          returning id`);
        return rows.rows.length;
      });
    },
  };
}
