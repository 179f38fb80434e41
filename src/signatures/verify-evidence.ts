import { createHash } from 'node:crypto';
import { type NoteVerifier, openCheckpoint, verifyProof } from '../audit/index.ts';
import { canonicalJson } from '../kernel/canonical-json.ts';
import { EVIDENCE_FORMAT, type EvidenceDocument, factsOf } from './evidence.ts';

/**
 * The offline check of an evidence file (`tessera evidence verify`): from the file and the
 * deployment's verifier key alone, no access to the service. No I/O here. Every problem found is
 * listed; the file is good only when there is none.
 */
export type EvidenceVerdict =
  | { ok: true; sha256: string; document: EvidenceDocument }
  | { ok: false; sha256: string; problems: string[] };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function verifyEvidence(text: string, verifier: NoteVerifier): EvidenceVerdict {
  const fileSha256 = sha256(text);
  const fail = (problems: string[]): EvidenceVerdict => ({
    ok: false,
    sha256: fileSha256,
    problems,
  });
  let doc: EvidenceDocument;
  try {
    doc = JSON.parse(text) as EvidenceDocument;
  } catch {
    return fail(['the file is not JSON']);
  }
  if (doc?.format !== EVIDENCE_FORMAT) return fail([`the file is not ${EVIDENCE_FORMAT}`]);
  const problems: string[] = [];
  const must = (ok: unknown, problem: string) => {
    if (!ok) problems.push(problem);
  };

  // 1. The checkpoint is signed by the deployment's key.
  const checkpoint = openCheckpoint(String(doc.log?.checkpoint), verifier);
  if (!checkpoint) return fail([`the checkpoint is not signed by ${verifier.name}'s key`]);
  must(
    doc.log.key_id === verifier.keyId.toString('hex'),
    "the file's key id is not the verifier key's",
  );
  must(doc.log.tree_size === checkpoint.size, "the file's tree size is not the checkpoint's");

  // 2. Every event is in the signed log: its proof leads to the signed root.
  const events = Array.isArray(doc.events) ? doc.events : [];
  must(events.length > 0, 'the file lists no event');
  for (const proven of events) {
    const verdict = verifyProof(
      {
        event: proven.event as unknown as Record<string, unknown>,
        leaf_index: proven.leaf_index,
        tree_size: checkpoint.size,
        inclusion_path: proven.inclusion_path,
        checkpoint: { note: doc.log.checkpoint },
      },
      verifier,
    );
    if (!verdict.ok) problems.push(`event ${String(proven.event?.id)}: ${verdict.problem}`);
    must(
      proven.event?.leaf_index === proven.leaf_index,
      `event ${String(proven.event?.id)}: two different leaf indexes`,
    );
  }

  // 3. In log order, times never going back, all of this signature's verification only.
  for (let i = 1; i < events.length; i++) {
    const before = events[i - 1]!;
    const after = events[i]!;
    must(
      after.leaf_index > before.leaf_index,
      `event ${after.event.id} is not after ${before.event.id} in the log`,
    );
    must(
      Date.parse(after.event.created_at) >= Date.parse(before.event.created_at),
      `event ${after.event.id} is dated before ${before.event.id}`,
    );
  }
  const sig = doc.signature;
  for (const { event } of events) {
    must(
      event.verification_id === sig?.verification_id && event.app_id === sig?.app_id,
      `event ${event.id} is not of this signature's verification`,
    );
    if (event.phone_hmac !== null || event.phone_masked !== null) {
      must(
        event.phone_hmac === doc.signer?.phone_hmac &&
          event.phone_masked === doc.signer?.phone_masked,
        `event ${event.id} names another number than the signer's`,
      );
    }
    if (typeof event.detail?.document_sha256 === 'string') {
      must(
        event.detail.document_sha256 === doc.document?.sha256,
        `event ${event.id} names another document hash than the file's`,
      );
    }
  }

  // 4. The header says what the logged request and signing say.
  const lines = events.map((e) => e.event);
  const requested = lines.find(
    (e) => e.type === 'signature.requested' && e.detail.signature_id === sig?.id,
  );
  const signed = lines.find(
    (e) => e.type === 'signature.signed' && e.detail.signature_id === sig?.id,
  );
  const approved = lines.find((e) => e.type === 'check.approved');
  must(requested, 'the request of the signature is not among the events');
  must(signed, 'the signing is not among the events');
  must(approved, 'no check found the typed code equal to the one sent');
  if (requested) {
    const d = requested.detail;
    must(d.signer_ref === doc.signer.ref, "the signer's ref is not the one requested");
    must(d.signer_name === doc.signer.name, "the signer's name is not the one requested");
    must(d.document_id === doc.document.id, 'the document id is not the one requested');
    must(d.document_title === doc.document.title, 'the document title is not the one requested');
    must(d.consent_sha256 === doc.consent.sha256, 'the consent hash is not the one requested');
  }
  must(
    sha256(String(doc.consent?.text)) === doc.consent?.sha256,
    'the consent text does not have its SHA-256',
  );
  if (signed) {
    must(signed.detail.signed_at === sig.signed_at, 'the signing time is not the logged one');
    const leafOf = (id: string) => events.find((e) => e.event.id === id)?.leaf_index ?? -1;
    must(
      approved !== undefined && leafOf(approved.id) < leafOf(signed.id),
      'the signing is logged before the code was checked',
    );
  }
  must(
    canonicalJson(doc.facts) === canonicalJson(factsOf(lines)),
    'the facts (SMS, receipts, checks, attempts, addresses) are not what the events say',
  );
  return problems.length === 0 ? { ok: true, sha256: fileSha256, document: doc } : fail(problems);
}

/** What `tessera evidence verify` prints for a good file: one page a lawyer can read. */
export function evidenceSummary(doc: EvidenceDocument, sha256Hex: string): string[] {
  const { facts } = doc;
  const sent = facts.sms.map(
    (s) =>
      `  - ${s.sent_at}  sent by route ${s.route ?? '?'} (provider message ${s.provider_message_id ?? 'none'})${
        s.receipt
          ? `; carrier receipt ${s.receipt.status} at ${s.receipt.at}`
          : '; no carrier receipt'
      }`,
  );
  const checks = facts.checks.map(
    (c) =>
      `  - ${c.at}  ${c.type === 'check.approved' ? 'code typed and found EQUAL to the code sent' : c.type === 'check.wrong' ? 'wrong code typed' : 'check refused'} (IP ${c.client_ip ?? 'unknown'}, ${c.user_agent ?? 'no user agent'})`,
  );
  return [
    'SIGNATURE EVIDENCE: VERIFIED',
    '',
    `Signature ${doc.signature.id} was SIGNED at ${doc.signature.signed_at} (UTC).`,
    `Signer:    ${doc.signer.name} (reference ${doc.signer.ref}), phone ${doc.signer.phone_masked}`,
    `Document:  "${doc.document.title}" (id ${doc.document.id})`,
    `           SHA-256 ${doc.document.sha256}`,
    `Consent:   "${doc.consent.text}"`,
    `           SHA-256 ${doc.consent.sha256}`,
    `Requested: ${doc.signature.created_at} from IP ${facts.request_client.ip ?? 'unknown'}`,
    '',
    "The code was sent to the signer's number:",
    ...sent,
    `Checks (${facts.attempts.total} attempt(s), ${facts.attempts.wrong} wrong):`,
    ...checks,
    '',
    'What was checked, with no access to the service:',
    `  - the log checkpoint is signed by key ${doc.log.key_name} (key id ${doc.log.key_id})`,
    `  - each of the ${doc.events.length} events is proven part of that log of ${doc.log.tree_size} events`,
    '  - the events are in log order and their UTC times never go back',
    '  - signer, document and consent match what was logged when the signature was requested',
    '  - the document hash is the same in every event that names one',
    '',
    `Evidence file SHA-256: ${sha256Hex}`,
  ];
}
