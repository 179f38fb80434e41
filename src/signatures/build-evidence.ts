import { exportLine, systemActor, verifierKeyString } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { SignaturesDeps } from './deps.ts';
import {
  EVIDENCE_FORMAT,
  type EvidenceDocument,
  factsOf,
  type ProvenEvent,
  serializeEvidence,
} from './evidence.ts';
import { type SignatureRecord, sha256Hex } from './signature.ts';
import { signatureEvent } from './signature-audit.ts';
import type { StoredEvidence } from './store.ts';

const notReady = (why: string) =>
  new RefusedError(
    'evidence_not_ready',
    `The evidence file cannot be built yet: ${why}. Retry shortly.`,
  );

/**
 * The evidence file of a signed signature, built once and then frozen (the first one kept is the
 * one every later read serves, byte for byte, so the SHA-256 the confirmation answered stays
 * true). The checkpoint is signed on demand: the app's log is checkpointed now if it grew since
 * its newest checkpoint (GET /v1/audit/checkpoint does the same), so the file never waits for the
 * timer and every proof leads to a root signed after the signing. Refused (503) while an event
 * of the signature is not yet in the log (spooled during a Postgres outage).
 */
export async function evidenceOf(
  deps: SignaturesDeps,
  signature: SignatureRecord,
): Promise<StoredEvidence> {
  const kept = await deps.store.evidence(signature.id);
  if (kept) return kept;
  if (signature.status !== 'signed' || !signature.signedAt) {
    throw new RefusedError('invalid_request', 'Only a signed signature has an evidence file.');
  }
  const records = await deps.store.events(signature.appId, signature.verificationId);
  const signedRow = records.find(
    (r) => r.type === 'signature.signed' && r.detail.signature_id === signature.id,
  );
  if (!signedRow) throw notReady('the signing is not in the audit log yet');
  const checkpoint = await deps.log.checkpointer.checkpoint(signature.appId);
  if (!checkpoint) throw notReady('the audit log has no checkpoint');
  const events: ProvenEvent[] = [];
  for (const record of records) {
    const leaf = await deps.log.reader.leafOf(record.id);
    if (!leaf || leaf.index >= checkpoint.size) throw notReady(`event ${record.id} is not logged`);
    const path = await deps.log.reader.inclusionProof(signature.appId, leaf.index, checkpoint.size);
    events.push({
      event: exportLine(record, leaf.index),
      leaf_index: leaf.index,
      inclusion_path: path.map((hash) => hash.toString('base64')),
    });
  }
  const now = deps.clock.now();
  const { signer } = deps.log;
  const document: EvidenceDocument = {
    format: EVIDENCE_FORMAT,
    signature: {
      id: signature.id,
      app_id: signature.appId,
      status: 'signed',
      verification_id: signature.verificationId,
      created_at: signature.createdAt.toISOString(),
      signed_at: signature.signedAt.toISOString(),
      locale: signature.locale,
    },
    signer: {
      ref: signature.signerRef,
      name: signature.signerName,
      phone_masked: signature.phoneMasked,
      phone_hmac: signature.phoneHmac,
    },
    document: {
      id: signature.documentId,
      title: signature.documentTitle,
      sha256: signature.documentSha256,
    },
    consent: { text: signature.consentText, sha256: signature.consentSha256 },
    facts: factsOf(events.map((e) => e.event)),
    events,
    log: {
      checkpoint: checkpoint.note,
      tree_size: checkpoint.size,
      key_id: signer.keyId.toString('hex'),
      key_name: signer.name,
      verifier_key: verifierKeyString(signer),
    },
    generated_at: new Date(now).toISOString(),
  };
  const body = serializeEvidence(document);
  const stored = await deps.store.keepEvidence(
    signature,
    { body, sha256: sha256Hex(body) },
    new Date(now),
  );
  if (stored.body === body) {
    await deps.audit.commitOrSpool([
      signatureEvent(
        systemActor(signature.appId),
        'signature.evidence_built',
        signature,
        { detail: { evidence_sha256: stored.sha256, tree_size: checkpoint.size } },
        deps.clock.now(),
      ),
    ]);
  }
  return stored;
}
