import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { totpFactors, totpRecoveryCodes } from '../db/schema.ts';
import type { TotpStore } from './store.ts';

const factorColumns = {
  id: totpFactors.id,
  appId: totpFactors.appId,
  userRef: totpFactors.userRef,
  label: totpFactors.label,
  issuer: totpFactors.issuer,
  algorithm: totpFactors.algorithm,
  digits: totpFactors.digits,
  period: totpFactors.period,
  secretSealed: totpFactors.secretSealed,
  status: totpFactors.status,
  lastUsedStep: totpFactors.lastUsedStep,
  failedAttempts: totpFactors.failedAttempts,
  createdAt: totpFactors.createdAt,
  confirmedAt: totpFactors.confirmedAt,
};

export function createPostgresTotpStore(database: Database): TotpStore {
  const { db } = database;
  const live = (appId: string, id: string) =>
    and(eq(totpFactors.id, id), eq(totpFactors.appId, appId), isNull(totpFactors.deletedAt));

  return {
    async insert(factor) {
      await db.insert(totpFactors).values(factor);
    },

    async discard(id) {
      await db.delete(totpFactors).where(eq(totpFactors.id, id));
    },

    async get(appId, id) {
      const rows = await db.select(factorColumns).from(totpFactors).where(live(appId, id)).limit(1);
      return rows[0] ?? null;
    },

    async listForUser(appId, userRef) {
      // Spelled out: drizzle drops the table qualifiers of columns inside a select's sql.
      const remaining = sql<number>`(select count(*)::int from "totp_recovery_codes" as r
        where r."factor_id" = "totp_factors"."id" and r."used_at" is null)`;
      return db
        .select({ ...factorColumns, recoveryCodesRemaining: remaining })
        .from(totpFactors)
        .where(
          and(
            eq(totpFactors.appId, appId),
            eq(totpFactors.userRef, userRef),
            isNull(totpFactors.deletedAt),
          ),
        )
        .orderBy(asc(totpFactors.createdAt), asc(totpFactors.id));
    },

    confirm(appId, id, step, at, recoveryCodeHashes) {
      return database.transaction(async (tx) => {
        const rows = await tx
          .update(totpFactors)
          .set({ status: 'verified', confirmedAt: at, lastUsedStep: step })
          .where(and(live(appId, id), eq(totpFactors.status, 'unverified')))
          .returning(factorColumns);
        const row = rows[0];
        if (!row) return null;
        await tx
          .insert(totpRecoveryCodes)
          .values(recoveryCodeHashes.map((codeHash) => ({ factorId: id, codeHash })));
        return row;
      });
    },

    async revertConfirm(id) {
      await database.transaction(async (tx) => {
        await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.factorId, id));
        await tx
          .update(totpFactors)
          .set({ status: 'unverified', confirmedAt: null, lastUsedStep: null })
          .where(eq(totpFactors.id, id));
      });
    },

    async reserveFailure(appId, userRef, max) {
      const rows = await db
        .update(totpFactors)
        .set({ failedAttempts: sql`${totpFactors.failedAttempts} + 1` })
        .where(
          and(
            eq(totpFactors.appId, appId),
            eq(totpFactors.userRef, userRef),
            eq(totpFactors.status, 'verified'),
            isNull(totpFactors.deletedAt),
            lt(totpFactors.failedAttempts, max),
          ),
        )
        .returning({ id: totpFactors.id });
      return rows.map((row) => row.id);
    },

    async releaseFailure(ids) {
      if (ids.length === 0) return;
      await db
        .update(totpFactors)
        .set({ failedAttempts: sql`greatest(${totpFactors.failedAttempts} - 1, 0)` })
        .where(inArray(totpFactors.id, ids));
    },

    async clearFailures(id) {
      await db.update(totpFactors).set({ failedAttempts: 0 }).where(eq(totpFactors.id, id));
    },

    async acceptStep(id, step) {
      // The replay guard is this one statement: of N parallel requests with the same code, the
      // database lets exactly one move last_used_step to `step` (RFC 6238 §5.2).
      const rows = await db
        .update(totpFactors)
        .set({ lastUsedStep: step })
        .where(
          and(
            eq(totpFactors.id, id),
            eq(totpFactors.status, 'verified'),
            isNull(totpFactors.deletedAt),
            or(isNull(totpFactors.lastUsedStep), lt(totpFactors.lastUsedStep, step)),
          ),
        )
        .returning({ id: totpFactors.id });
      return rows.length > 0;
    },

    async revertStep(id, step, previous) {
      await db
        .update(totpFactors)
        .set({ lastUsedStep: previous })
        .where(and(eq(totpFactors.id, id), eq(totpFactors.lastUsedStep, step)));
    },

    async unusedRecoveryCodes(factorId) {
      return db
        .select({ id: totpRecoveryCodes.id, codeHash: totpRecoveryCodes.codeHash })
        .from(totpRecoveryCodes)
        .where(and(eq(totpRecoveryCodes.factorId, factorId), isNull(totpRecoveryCodes.usedAt)));
    },

    async useRecoveryCode(id, at) {
      const rows = await db
        .update(totpRecoveryCodes)
        .set({ usedAt: at })
        .where(and(eq(totpRecoveryCodes.id, id), isNull(totpRecoveryCodes.usedAt)))
        .returning({ id: totpRecoveryCodes.id });
      return rows.length > 0;
    },

    async revertRecoveryCode(id) {
      await db.update(totpRecoveryCodes).set({ usedAt: null }).where(eq(totpRecoveryCodes.id, id));
    },

    remove(appId, id, at) {
      return database.transaction(async (tx) => {
        const rows = await tx
          .update(totpFactors)
          // The secret has no use once the factor is gone: erase it rather than keep it sealed.
          .set({ deletedAt: at, secretSealed: null })
          .where(live(appId, id))
          .returning(factorColumns);
        const row = rows[0];
        if (!row) return null;
        await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.factorId, id));
        return row;
      });
    },
  };
}
