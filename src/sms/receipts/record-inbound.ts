import type { AuditQueries, AuditTrail } from '../../audit/index.ts';
import { auditEvent, systemActor } from '../../audit/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PhoneProtector } from '../../kernel/crypto/phone-protector.ts';
import { maskPhone, normalizePhone } from '../../kernel/phone.ts';

/** Opt-out words of SMS marketing rules (French "STOP", English "STOP"/"UNSUBSCRIBE", ...). */
const OPT_OUT = new Set([
  'STOP',
  'ARRET',
  'ARRÊT',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
]);

/**
 * An inbound SMS (a reply such as "STOP") received on a route: one `sms.inbound` audit row for
 * each app that sent to that number, with its first word and whether it is an opt-out, for the
 * consent work to act on. The number rests only as its HMAC (each app's own) and mask; the text is
 * not kept. Sends recorded before per-app HMACs are found by their legacy HMAC.
 */
export async function recordInbound(
  deps: { audit: AuditTrail; phones: PhoneProtector; clock: Clock; queries: AuditQueries },
  input: { route: string; from: string; text: string },
): Promise<{ apps: number }> {
  const phone = normalizePhone(input.from.startsWith('+') ? input.from : `+${input.from}`);
  if (!phone.ok) return { apps: 0 };
  const e164 = phone.e164;
  const appIds = await deps.queries.appsThatMessaged((appId) =>
    deps.phones.lookupHmacs(appId, e164),
  );
  const keyword = (input.text.trim().split(/\s+/)[0] ?? '').toUpperCase().slice(0, 20);
  const now = deps.clock.now();
  await deps.audit.commit(
    appIds.map((appId) =>
      auditEvent(
        systemActor(appId),
        'sms.inbound',
        {
          phone: { masked: maskPhone(e164), hmac: deps.phones.hmac(appId, e164) },
          outcome: 'ok',
          reason: OPT_OUT.has(keyword) ? 'opt_out' : null,
          detail: { route: input.route, keyword },
        },
        now,
      ),
    ),
  );
  return { apps: appIds.length };
}
