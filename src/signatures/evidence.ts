import type { ExportLine } from '../audit/index.ts';

/**
 * The evidence file of a signature (README, Signatures, Evidence file). No I/O here: what is in
 * it, derived from the signature and its proven audit events, so that building it and checking it
 * offline (verify-evidence.ts) derive the same summary from the same events.
 */

export const EVIDENCE_FORMAT = 'tessera-signature-evidence/1';

/** One audit event, where it is in its app's Merkle log, and its RFC 9162 inclusion proof. */
export interface ProvenEvent {
  event: ExportLine;
  leaf_index: number;
  /** Base64 hashes, leaf to root, against log.checkpoint. */
  inclusion_path: string[];
}

export interface SmsFact {
  event_id: string;
  sent_at: string;
  route: string | null;
  provider_message_id: string | null;
  /** The carrier's receipt for this message, when one came back before the file was built. */
  receipt: { event_id: string; at: string; status: string; outcome: string } | null;
}

export interface CheckFact {
  event_id: string;
  at: string;
  /** check.approved: the typed code was checked equal; check.wrong; check.refused. */
  type: string;
  client_ip: string | null;
  user_agent: string | null;
}

/** What the events say, spelled out for a reader; recomputed and compared by the offline check. */
export interface EvidenceFacts {
  sms: SmsFact[];
  checks: CheckFact[];
  attempts: { wrong: number; total: number };
  request_client: { ip: string | null; user_agent: string | null };
}

export interface EvidenceDocument {
  format: typeof EVIDENCE_FORMAT;
  signature: {
    id: string;
    app_id: string;
    status: 'signed';
    verification_id: string;
    created_at: string;
    signed_at: string;
    locale: string;
  };
  signer: { ref: string; name: string; phone_masked: string; phone_hmac: string };
  document: { id: string; title: string; sha256: string };
  consent: { text: string; sha256: string };
  facts: EvidenceFacts;
  /** The signature's audit events, in log order, each with its proof. */
  events: ProvenEvent[];
  log: {
    /** The C2SP signed note of the app's log that every proof leads to. */
    checkpoint: string;
    tree_size: number;
    /** Hex of the 4-byte key ID the note's signature line names. */
    key_id: string;
    key_name: string;
    /** The verifier key (`tessera audit key`), for reference: check against one obtained apart. */
    verifier_key: string;
  };
  generated_at: string;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The SMS sent and their receipts, the checks and attempts, read from the events alone. */
export function factsOf(events: readonly ExportLine[]): EvidenceFacts {
  const sms: SmsFact[] = [];
  const checks: CheckFact[] = [];
  let requestClient: EvidenceFacts['request_client'] = { ip: null, user_agent: null };
  for (const event of events) {
    switch (event.type) {
      case 'verification.created':
        requestClient = { ip: event.client_ip, user_agent: event.user_agent };
        break;
      case 'sms.sent':
        sms.push({
          event_id: event.id,
          sent_at: event.created_at,
          route: str(event.detail.route),
          provider_message_id: str(event.detail.provider_message_id),
          receipt: null,
        });
        break;
      case 'sms.delivered':
      case 'sms.undelivered': {
        const id = str(event.detail.provider_message_id);
        const sent = sms.find(
          (s) => s.provider_message_id !== null && s.provider_message_id === id,
        );
        if (sent) {
          sent.receipt = {
            event_id: event.id,
            at: event.created_at,
            status: str(event.detail.status) ?? event.type,
            outcome: event.outcome,
          };
        }
        break;
      }
      case 'check.approved':
      case 'check.wrong':
      case 'check.refused':
        checks.push({
          event_id: event.id,
          at: event.created_at,
          type: event.type,
          client_ip: event.client_ip,
          user_agent: event.user_agent,
        });
        break;
    }
  }
  return {
    sms,
    checks,
    attempts: {
      wrong: checks.filter((c) => c.type === 'check.wrong').length,
      total: checks.filter((c) => c.type !== 'check.refused').length,
    },
    request_client: requestClient,
  };
}

/** The file's exact text: what is stored, served and hashed. */
export function serializeEvidence(document: EvidenceDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
