import { and, asc, eq, or } from 'drizzle-orm';
import { auditRecordOf } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { auditEvents, signatureEvidence, signatures } from '../db/schema.ts';
import type { SignatureRecord } from './signature.ts';
import type { SignatureStore } from './store.ts';

type SignatureRow = typeof signatures.$inferSelect;

const toSignature = (row: SignatureRow): SignatureRecord => row;

export function createPostgresSignatureStore(database: Database): SignatureStore {
  const { db } = database;
  const pending = (id: string) => and(eq(signatures.id, id), eq(signatures.status, 'pending'));
  const one = (rows: SignatureRow[]) => (rows[0] ? toSignature(rows[0]) : null);
  const evidence = async (signatureId: string) => {
    const rows = await db
      .select({ body: signatureEvidence.body, sha256: signatureEvidence.sha256 })
      .from(signatureEvidence)
      .where(eq(signatureEvidence.signatureId, signatureId));
    return rows[0] ?? null;
  };

  return {
    async insert(signature) {
      await db.insert(signatures).values(signature);
    },

    async get(appId, id) {
      return one(
        await db
          .select()
          .from(signatures)
          .where(and(eq(signatures.appId, appId), eq(signatures.id, id)))
          .limit(1),
      );
    },

    async byVerification(appId, verificationId) {
      return one(
        await db
          .select()
          .from(signatures)
          .where(and(eq(signatures.appId, appId), eq(signatures.verificationId, verificationId)))
          .limit(1),
      );
    },

    async pendingFor(appId, match) {
      const rows = await db
        .select()
        .from(signatures)
        .where(
          and(
            eq(signatures.appId, appId),
            eq(signatures.status, 'pending'),
            or(
              and(
                eq(signatures.signerRef, match.signerRef),
                eq(signatures.documentSha256, match.documentSha256),
              ),
              eq(signatures.phoneHmac, match.phoneHmac),
            ),
          ),
        );
      return rows.map(toSignature);
    },

    async markSigned(id, at) {
      return one(
        await db
          .update(signatures)
          .set({ status: 'signed', signedAt: at })
          .where(pending(id))
          .returning(),
      );
    },

    async markEnded(id, status, at, reason) {
      return one(
        await db
          .update(signatures)
          .set({ status, endedAt: at, endedReason: reason })
          .where(pending(id))
          .returning(),
      );
    },

    async events(appId, verificationId) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.appId, appId), eq(auditEvents.verificationId, verificationId)))
        .orderBy(asc(auditEvents.seq));
      return rows.map(auditRecordOf);
    },

    evidence,

    async keepEvidence(signature, file, at) {
      await db
        .insert(signatureEvidence)
        .values({
          signatureId: signature.id,
          appId: signature.appId,
          body: file.body,
          sha256: file.sha256,
          createdAt: at,
        })
        .onConflictDoNothing();
      // Whoever inserted first, the kept file is the one every read serves.
      const kept = await evidence(signature.id);
      if (!kept) throw new Error(`the evidence of ${signature.id} was not kept`);
      return kept;
    },
  };
}
