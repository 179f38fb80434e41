import type { LeadConsentView, LeadRecord } from '../leads/index.ts';
import type { ConsentDeps } from './deps.ts';
import { type ConsentRecord, currentState, sha256Hex } from './record.ts';

/** A number's consent in one app: its state, whether it is opposed, and every record. */
export async function readConsent(deps: ConsentDeps, appId: string, e164: string) {
  const hmacs = await deps.subjects.lookupHmacs(appId, e164);
  const [history, opposedSince] = await Promise.all([
    deps.store.history(appId, hmacs),
    deps.store.opposedSince(appId, hmacs),
  ]);
  return { ...currentState(history), opposedSince, history };
}

/** The consent views of leads of one app, their histories read in one query. */
export async function leadConsentViews(
  deps: ConsentDeps,
  leads: readonly LeadRecord[],
): Promise<(LeadConsentView | null)[]> {
  const asking = leads.filter((lead) => lead.consentRequest);
  const first = asking[0];
  if (!first) return leads.map(() => null);
  const history = await deps.store.history(first.appId, [
    ...new Set(asking.map((lead) => lead.phoneHmac)),
  ]);
  const byHmac = new Map<string, ConsentRecord[]>();
  for (const record of history) {
    byHmac.set(record.phoneHmac, [...(byHmac.get(record.phoneHmac) ?? []), record]);
  }
  return leads.map((lead) => leadConsentView(lead, byHmac.get(lead.phoneHmac) ?? []));
}

/**
 * The consent a lead asked for, as its view shows it: granted once its code was approved (and not
 * blocked by an opposition), withdrawn_at from the first withdrawal after that grant.
 */
export function leadConsentView(
  lead: LeadRecord,
  history: readonly ConsentRecord[],
): LeadConsentView | null {
  const request = lead.consentRequest;
  if (!request) return null;
  const grant = history.find((r) => r.leadId === lead.id && r.action === 'granted');
  if (!grant) {
    return {
      granted: false,
      at: null,
      text_sha256: sha256Hex(request.text),
      version: request.version,
      withdrawn_at: null,
    };
  }
  const withdrawal = history.find((r) => r.action === 'withdrawn' && r.id > grant.id);
  return {
    granted: !withdrawal,
    at: grant.createdAt.toISOString(),
    text_sha256: grant.textSha256 ?? sha256Hex(request.text),
    version: grant.version ?? request.version,
    withdrawn_at: withdrawal?.createdAt.toISOString() ?? null,
  };
}
