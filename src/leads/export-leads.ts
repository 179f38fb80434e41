import { type Actor, auditEvent } from '../audit/index.ts';
import { csvRow } from '../kernel/csv.ts';
import type { LeadsDeps } from './deps.ts';
import { type LeadRecord, secondsToVerify, visibleLeadStatus } from './lead.ts';
import { type LeadConsentView, leadView } from './lead-view.ts';
import type { LeadFilters, LeadPosition } from './store.ts';

export type ExportFormat = 'csv' | 'ndjson';

/** Rows read per query: memory holds one batch, whatever the export's size. */
export const EXPORT_BATCH = 1000;

const CSV_COLUMNS = [
  'id',
  'status',
  'unverified_reason',
  'phone',
  'country',
  'source',
  'form',
  'lead_ref',
  'created_at',
  'verified_at',
  'linked_lead_id',
  'stage',
  'score',
  'sends',
  'attempts',
  'seconds_to_verify',
  'attributes',
  'consent_granted',
  'consent_version',
  'consent_at',
  'consent_withdrawn_at',
] as const;

function csvLine(lead: LeadRecord, now: number, consent: LeadConsentView | null): string {
  const visible = visibleLeadStatus(lead, now);
  return csvRow([
    lead.id,
    visible.status,
    visible.reason,
    lead.phoneMasked,
    lead.country,
    lead.source,
    lead.form,
    lead.leadRef,
    lead.createdAt.toISOString(),
    lead.verifiedAt?.toISOString(),
    lead.linkedLeadId,
    lead.qualification?.stage,
    lead.qualification?.score,
    lead.sends,
    lead.attempts,
    secondsToVerify(lead),
    JSON.stringify(lead.attributes),
    // Empty when the form asked for no consent; false until the code confirmed it (or if blocked).
    consent?.granted,
    consent?.version,
    consent?.at,
    consent?.withdrawn_at,
  ]);
}

/**
 * Every lead matching the filters, newest first, as CSV (formula cells neutralised, kernel/csv.ts)
 * or NDJSON, read in keyset batches so the export runs in constant memory: the next batch is read
 * only when the client has taken the previous one (the stream's pull). The export itself is an
 * audit row (who took which leads out, and how many).
 */
export function exportLeads(
  deps: Pick<LeadsDeps, 'clock' | 'store' | 'audit' | 'consentsOf'>,
  input: { actor: Actor; filters: LeadFilters; format: ExportFormat },
): ReadableStream<Uint8Array> {
  const { actor, filters, format } = input;
  const appId = actor.app.id;
  const now = deps.clock.now();
  const encoder = new TextEncoder();
  let after: LeadPosition | null = null;
  let exported = 0;
  let started = false;
  const line = (lead: LeadRecord, consent: LeadConsentView | null) =>
    format === 'csv'
      ? csvLine(lead, now, consent)
      : `${JSON.stringify(leadView(lead, now, consent))}\n`;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let text = '';
        if (!started) {
          started = true;
          if (format === 'csv') text += csvRow(CSV_COLUMNS);
        }
        const batch = await deps.store.page(appId, filters, after, EXPORT_BATCH, new Date(now));
        // The batch's consent in one read: the export stays one query per thousand leads, plus one.
        const consents = await deps.consentsOf(batch);
        batch.forEach((lead, i) => {
          text += line(lead, consents[i] ?? null);
        });
        exported += batch.length;
        const last = batch.at(-1);
        if (last) after = { createdAt: last.createdAt, id: last.id };
        if (text) controller.enqueue(encoder.encode(text));
        if (batch.length < EXPORT_BATCH) {
          await deps.audit.commitOrSpool([exportEvent(actor, filters, format, exported, now)]);
          controller.close();
        }
      },
    },
    // One batch at a time: nothing is read ahead of what the client consumes.
    { highWaterMark: 0 },
  );
}

/** Not about one lead: the row carries no number, only what was taken out. */
function exportEvent(
  actor: Actor,
  filters: LeadFilters,
  format: ExportFormat,
  rows: number,
  now: number,
) {
  const detail = {
    format,
    rows,
    status: filters.status ?? null,
    source: filters.source ?? null,
    since: filters.since?.toISOString() ?? null,
    until: filters.until?.toISOString() ?? null,
  };
  return auditEvent(actor, 'lead.exported', { purpose: 'lead', outcome: 'ok', detail }, now);
}
