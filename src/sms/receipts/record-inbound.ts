import type { AuditQueries, AuditTrail } from '../../audit/index.ts';
import { auditEvent, systemActor } from '../../audit/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { SubjectHmacs } from '../../kernel/crypto/subject-hmacs.ts';
import { maskPhone, normalizePhone } from '../../kernel/phone.ts';
import type { InboundReplies } from './inbound-replies.ts';

/**
 * The only words an inbound reply may leave in the audit trail: the opt-out, help and opt-in
 * keywords of SMS carrier rules (CTIA's STOP/HELP/START family, and their French forms used under
 * the French SMS+ rules), written without accents. Anything else is stored as `other`: a user who
 * answers with the code itself must not put a live code into an append-only row.
 */
export const INBOUND_KEYWORDS: ReadonlyMap<string, 'opt_out' | 'help' | 'opt_in'> = new Map([
  ['STOP', 'opt_out'],
  ['STOPALL', 'opt_out'],
  ['ARRET', 'opt_out'],
  ['UNSUBSCRIBE', 'opt_out'],
  ['DESINSCRIRE', 'opt_out'],
  ['DESABONNER', 'opt_out'],
  ['CANCEL', 'opt_out'],
  ['END', 'opt_out'],
  ['QUIT', 'opt_out'],
  ['HELP', 'help'],
  ['AIDE', 'help'],
  ['INFO', 'help'],
  ['START', 'opt_in'],
  ['UNSTOP', 'opt_in'],
]);

/**
 * The reply's keyword: its whole first word, upper-cased, accents and surrounding punctuation
 * removed ("Arrêt." is ARRET), if that is on the list; `other` for anything else, so free text
 * (a code, a name, "STOP482913") never reaches the trail.
 */
export function inboundKeyword(text: string): string {
  const first = text.trim().split(/\s+/)[0] ?? '';
  const word = first
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/^\p{P}+|\p{P}+$/gu, '')
    .toUpperCase();
  return INBOUND_KEYWORDS.has(word) ? word : 'other';
}

/**
 * An inbound SMS (a reply such as "STOP") received on a route: one `sms.inbound` audit row for
 * each app that sent to that number, with its keyword (INBOUND_KEYWORDS, else `other`) and whether
 * it is an opt-out, for the consent work to act on. The number rests only as its HMAC (under its
 * subject key in each app) and mask; the text is not kept. Sends recorded before subject keys are
 * found by the HMACs they were written with. A route whose short code or sender id belongs to one app (`inboundApp`) narrows the
 * reply to that app. Once recorded, the reply is handed to the modules that act on it (consent).
 */
export async function recordInbound(
  deps: {
    audit: AuditTrail;
    subjects: SubjectHmacs;
    clock: Clock;
    queries: AuditQueries;
    replies: InboundReplies;
    /** SMS routes that belong to one app: their `inboundApp`. */
    routeApps: ReadonlyMap<string, string>;
  },
  input: { route: string; from: string; text: string },
): Promise<{ apps: number }> {
  const phone = normalizePhone(input.from.startsWith('+') ? input.from : `+${input.from}`);
  if (!phone.ok) return { apps: 0 };
  const e164 = phone.e164;
  const routeApp = deps.routeApps.get(input.route);
  const appIds = routeApp
    ? [routeApp]
    : await deps.queries.appsThatMessaged((appId) => deps.subjects.lookupHmacs(appId, e164));
  const keyword = inboundKeyword(input.text);
  const kind = INBOUND_KEYWORDS.get(keyword) ?? null;
  const now = deps.clock.now();
  const events = await Promise.all(
    appIds.map(async (appId) =>
      auditEvent(
        systemActor(appId),
        'sms.inbound',
        {
          phone: { masked: maskPhone(e164), hmac: await deps.subjects.hmac(appId, e164) },
          outcome: 'ok',
          reason: kind === 'opt_out' ? 'opt_out' : null,
          detail: { route: input.route, keyword },
        },
        now,
      ),
    ),
  );
  await deps.audit.commit(events);
  await deps.replies.notify({ route: input.route, e164, keyword, kind, appIds, at: now });
  return { apps: appIds.length };
}
