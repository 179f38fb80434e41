import { and, asc, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { leadQualifications, leads } from '../db/schema.ts';
import type { LeadRecord, Qualification } from './lead.ts';
import type { LeadFilters, LeadSignals, LeadStore } from './store.ts';

type LeadRow = typeof leads.$inferSelect;
type StoredQualification = Omit<Qualification, 'at'> & { at: string };

function toStored(q: Qualification): StoredQualification {
  return { ...q, at: q.at.toISOString() };
}

function fromStored(q: Record<string, unknown> | null): Qualification | null {
  if (!q) return null;
  const stored = q as unknown as StoredQualification;
  return { ...stored, at: new Date(stored.at) };
}

function toLead(row: LeadRow): LeadRecord {
  return { ...row, qualification: fromStored(row.qualification) };
}

function signalColumns(signals: LeadSignals) {
  return {
    sends: signals.sends,
    attempts: signals.attempts,
    verificationExpiresAt: signals.verificationExpiresAt,
    lastContactAt: signals.lastContactAt,
  };
}

/** The visible status in SQL, as leads/lead.ts derives it: a pending lead past expiry is unverified. */
function statusIs(status: LeadFilters['status'], now: Date): SQL | undefined {
  const expired = and(
    eq(leads.status, 'pending_verification'),
    lte(leads.verificationExpiresAt, now),
  );
  switch (status) {
    case undefined:
      return undefined;
    case 'verified':
      return eq(leads.status, 'verified');
    case 'unverified':
      return or(eq(leads.status, 'unverified'), expired);
    case 'pending_verification':
      return and(
        eq(leads.status, 'pending_verification'),
        sql`(${leads.verificationExpiresAt} is null or ${leads.verificationExpiresAt} > ${now})`,
      );
  }
}

export function createPostgresLeadStore(database: Database): LeadStore {
  const { db } = database;
  const pending = (id: string) => and(eq(leads.id, id), eq(leads.status, 'pending_verification'));

  return {
    async insert(lead) {
      await db.insert(leads).values({ ...lead, qualification: null });
    },

    async get(appId, id) {
      const rows = await db
        .select()
        .from(leads)
        .where(and(eq(leads.appId, appId), eq(leads.id, id)))
        .limit(1);
      return rows[0] ? toLead(rows[0]) : null;
    },

    // Qualifications go with their lead (on delete cascade, migration 0011_leads).
    async forget(appId, hmacs) {
      const rows = await db
        .delete(leads)
        .where(and(eq(leads.appId, appId), inArray(leads.phoneHmac, [...hmacs])))
        .returning({ id: leads.id });
      return rows.length;
    },

    async expire(appId, before) {
      const rows = await db
        .delete(leads)
        .where(and(eq(leads.appId, appId), lt(leads.lastContactAt, before)))
        .returning({ id: leads.id });
      return rows.length;
    },

    async byVerification(appId, verificationId) {
      const rows = await db
        .select()
        .from(leads)
        .where(and(eq(leads.appId, appId), eq(leads.verificationId, verificationId)))
        .limit(1);
      return rows[0] ? toLead(rows[0]) : null;
    },

    async recentlyVerified(appId, phoneHmac, since) {
      const rows = await db
        .select()
        .from(leads)
        .where(
          and(
            eq(leads.appId, appId),
            eq(leads.phoneHmac, phoneHmac),
            eq(leads.status, 'verified'),
            gte(leads.verifiedAt, since),
          ),
        )
        .orderBy(desc(leads.verifiedAt))
        .limit(1);
      return rows[0] ? toLead(rows[0]) : null;
    },

    async markVerified(id, at, signals) {
      const rows = await db
        .update(leads)
        .set({ status: 'verified', verifiedAt: at, ...signalColumns(signals) })
        .where(pending(id))
        .returning();
      return rows[0] ? toLead(rows[0]) : null;
    },

    async revertVerified(id) {
      await db
        .update(leads)
        .set({ status: 'pending_verification', verifiedAt: null })
        .where(and(eq(leads.id, id), eq(leads.status, 'verified')));
    },

    async markUnverified(id, at, reason, signals) {
      const rows = await db
        .update(leads)
        .set({
          status: 'unverified',
          unverifiedAt: at,
          unverifiedReason: reason,
          ...signalColumns(signals),
        })
        .where(pending(id))
        .returning();
      return rows[0] ? toLead(rows[0]) : null;
    },

    async updateSignals(id, signals) {
      await db.update(leads).set(signalColumns(signals)).where(pending(id));
    },

    qualify(appId, id, qualification) {
      return database.transaction(async (tx) => {
        const rows = await tx
          .update(leads)
          .set({ qualification: toStored(qualification) as unknown as Record<string, unknown> })
          .where(and(eq(leads.appId, appId), eq(leads.id, id)))
          .returning();
        const row = rows[0];
        if (!row) return null;
        await tx.insert(leadQualifications).values({
          leadId: id,
          stage: qualification.stage,
          bant: qualification.bant,
          score: qualification.score,
          note: qualification.note,
          createdAt: qualification.at,
        });
        return toLead(row);
      });
    },

    async qualifications(leadId) {
      const rows = await db
        .select()
        .from(leadQualifications)
        .where(eq(leadQualifications.leadId, leadId))
        .orderBy(asc(leadQualifications.id));
      return rows.map((row) => ({
        stage: row.stage as Qualification['stage'],
        bant: row.bant as Qualification['bant'],
        score: row.score,
        note: row.note,
        at: row.createdAt,
      }));
    },

    async page(appId, filters, after, limit, now) {
      const rows = await db
        .select()
        .from(leads)
        .where(
          and(
            eq(leads.appId, appId),
            statusIs(filters.status, now),
            filters.source === undefined ? undefined : eq(leads.source, filters.source),
            filters.since === undefined ? undefined : gte(leads.createdAt, filters.since),
            filters.until === undefined ? undefined : lt(leads.createdAt, filters.until),
            // A row comparison, which the (app_id, created_at, id) index serves as one range.
            after
              ? sql`(${leads.createdAt}, ${leads.id}) < (${after.createdAt}, ${after.id})`
              : undefined,
          ),
        )
        .orderBy(desc(leads.createdAt), desc(leads.id))
        .limit(limit);
      return rows.map(toLead);
    },
  };
}
