import { systemActor } from '../audit/index.ts';
import type { InboundReplyListener } from '../sms/index.ts';
import type { ConsentDeps } from './deps.ts';
import { withdrawConsent } from './withdraw-consent.ts';

/**
 * An opt-out reply (STOP, ARRET, UNSUBSCRIBE, DESINSCRIRE... sms/receipts/record-inbound.ts) on any
 * SMS route withdraws marketing consent for the number in each app the reply concerns. Help and
 * opt-in words change nothing: consent is only given again through a form confirmed by a code.
 */
export function withdrawOnStop(deps: ConsentDeps): InboundReplyListener {
  return async (reply) => {
    if (reply.kind !== 'opt_out') return;
    for (const appId of reply.appIds) {
      await withdrawConsent(deps, {
        actor: systemActor(appId),
        e164: reply.e164,
        method: 'sms_reply',
        reason: reply.keyword.toLowerCase(),
        route: reply.route,
      });
    }
  };
}
