import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { signatureEvidence, signatures } from '../db/schema.ts';
import type { RetentionRule } from '../retention/index.ts';

/**
 * Signature evidence (setting signatureEvidenceDays, 10 years by default) counts from the day the
 * signature ended: signed, or canceled/failed, or requested for one still pending. Signed rows and
 * evidence files are frozen by triggers (migration signatures); only a transaction that sets
 * tessera.forget_signatures (migration signatures_retention) may delete them, and only this does.
 */
export function retentionRule(database: Database): RetentionRule {
  return {
    recordType: 'signature_evidence',
    setting: 'signatureEvidenceDays',
    expire: (appId, before) =>
      database.transaction(async (tx) => {
        await tx.execute(sql`select set_config('tessera.forget_signatures', 'on', true)`);
        const due = tx
          .select({ id: signatures.id })
          .from(signatures)
          .where(
            and(
              eq(signatures.appId, appId),
              lt(
                sql`coalesce(${signatures.signedAt}, ${signatures.endedAt}, ${signatures.createdAt})`,
                before,
              ),
            ),
          );
        await tx.delete(signatureEvidence).where(inArray(signatureEvidence.signatureId, due));
        const deleted = await tx
          .delete(signatures)
          .where(inArray(signatures.id, due))
          .returning({ id: signatures.id });
        return deleted.length;
      }),
  };
}
