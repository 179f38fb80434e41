import PDFDocument from 'pdfkit';
import type { EvidenceDocument } from './evidence.ts';

/**
 * The evidence file as a report a person reads (GET /v1/signatures/{id}/evidence?format=pdf): the
 * same facts as the JSON file, rendered with pdfkit's standard fonts. The JSON stays the proof;
 * the report names its SHA-256 so a reader can tie the two together. The PDF's own metadata
 * dates are the file's, so the same file always renders the same report.
 */
export function renderEvidencePdf(doc: EvidenceDocument, sha256: string): Promise<Buffer> {
  const at = new Date(doc.generated_at);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Signature evidence ${doc.signature.id}`,
      Subject: `Signature of "${doc.document.title}" by ${doc.signer.name}`,
      Producer: 'Tessera',
      Creator: 'Tessera',
      CreationDate: at,
      ModDate: at,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const heading = (text: string) => {
    pdf.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(text).moveDown(0.3);
    pdf.font('Helvetica').fontSize(9.5);
  };
  const field = (label: string, value: string) => {
    pdf.font('Helvetica-Bold').text(`${label}: `, { continued: true });
    pdf.font('Helvetica').text(value);
  };
  const mono = (text: string) => {
    pdf.font('Courier').fontSize(7.5).text(text);
    pdf.font('Helvetica').fontSize(9.5);
  };

  pdf.font('Helvetica-Bold').fontSize(16).text('Electronic signature: evidence report');
  pdf.font('Helvetica').fontSize(9.5).moveDown(0.3);
  pdf.text(
    `Signature ${doc.signature.id} was signed at ${doc.signature.signed_at} (UTC) with a one-time code sent by SMS to the signer's phone number. All times are UTC.`,
  );

  heading('Signer');
  field('Name', doc.signer.name);
  field('Reference', doc.signer.ref);
  field('Phone (masked)', doc.signer.phone_masked);
  field('Phone HMAC', doc.signer.phone_hmac);

  heading('Document');
  field('Title', doc.document.title);
  field('Id', doc.document.id);
  field('SHA-256', doc.document.sha256);

  heading('Consent shown to the signer');
  pdf.text(doc.consent.text);
  field('SHA-256', doc.consent.sha256);

  heading('Code sent and checked');
  field(
    'Requested at',
    `${doc.signature.created_at} from IP ${doc.facts.request_client.ip ?? 'unknown'}`,
  );
  field('Request user agent', doc.facts.request_client.user_agent ?? 'unknown');
  for (const sms of doc.facts.sms) {
    field(
      'SMS sent',
      `${sms.sent_at}, route ${sms.route ?? 'unknown'}, provider message id ${sms.provider_message_id ?? 'none'}`,
    );
    field(
      'Delivery receipt',
      sms.receipt ? `${sms.receipt.status} at ${sms.receipt.at}` : 'none received before this file',
    );
  }
  field('Attempts', `${doc.facts.attempts.total} (${doc.facts.attempts.wrong} wrong)`);
  for (const check of doc.facts.checks) {
    const verdict =
      check.type === 'check.approved'
        ? 'code typed, checked equal to the code sent'
        : check.type === 'check.wrong'
          ? 'wrong code typed'
          : 'check refused';
    field(
      check.at,
      `${verdict}; IP ${check.client_ip ?? 'unknown'}; user agent ${check.user_agent ?? 'unknown'}`,
    );
  }

  heading('Events (audit log, in order)');
  for (const { event, leaf_index } of doc.events) {
    field(
      event.created_at,
      `${event.type} (${event.outcome}${event.reason ? `, ${event.reason}` : ''}), event ${event.id}, log position ${leaf_index}`,
    );
  }

  heading('Integrity');
  pdf.text(
    `Each event above is proven part of the app's tamper-evident audit log by an RFC 9162 inclusion proof against the checkpoint below, a log of ${doc.log.tree_size} events signed with Ed25519 key ${doc.log.key_name} (key id ${doc.log.key_id}). The proofs are in the JSON evidence file; \`tessera evidence verify\` checks them with no access to the service.`,
  );
  field('Verifier key', doc.log.verifier_key);
  pdf.moveDown(0.3);
  mono(doc.log.checkpoint);
  field('Evidence file (JSON) SHA-256', sha256);
  field('Generated at', doc.generated_at);
  pdf.end();
  return done;
}
