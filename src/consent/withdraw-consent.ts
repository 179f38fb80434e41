import type { AuditActor } from '../audit/index.ts';
import { maskPhone } from '../kernel/phone.ts';
import { consentEvent } from './consent-audit.ts';
import type { ConsentDeps } from './deps.ts';
import type { ConsentRecord } from './record.ts';

/**
 * Withdraws SMS marketing consent for a number in one app and puts it on that app's opposition
 * list, whatever its state was: a STOP from a number that never consented still keeps a later
 * import from consenting for it. Transactional codes are not affected (nothing on the send path
 * reads consent).
 */
export async function withdrawConsent(
  deps: ConsentDeps,
  input: {
    actor: AuditActor;
    e164: string;
    method: 'api' | 'sms_reply';
    reason: string | null;
    route: string | null;
  },
): Promise<ConsentRecord> {
  const { actor } = input;
  const record = await deps.store.withdraw({
    appId: actor.app.id,
    phoneHmac: await deps.subjects.hmac(actor.app.id, input.e164),
    phoneMasked: maskPhone(input.e164),
    leadId: null,
    method: input.method,
    text: null,
    textSha256: null,
    version: null,
    verificationId: null,
    clientIp: actor.client.ip,
    userAgent: actor.client.userAgent,
    route: input.route,
    reason: input.reason,
    createdAt: new Date(deps.clock.now()),
  });
  await deps.audit.commitOrSpool([consentEvent(actor, record)]);
  return record;
}
