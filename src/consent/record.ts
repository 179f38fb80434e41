/** Consent records and the state they add up to. No I/O here. */
import { createHash } from 'node:crypto';

export type ConsentAction = 'granted' | 'withdrawn' | 'blocked';
/**
 * How consent was given or withdrawn: a web form whose text the person confirmed with the SMS code
 * of its lead, an API call of the app (a withdrawal its staff recorded), an SMS reply (STOP).
 */
export type ConsentMethod = 'web_form_sms_code' | 'api' | 'sms_reply';

export interface ConsentRecord {
  id: number;
  appId: string;
  phoneHmac: string;
  phoneMasked: string;
  leadId: string | null;
  action: ConsentAction;
  method: ConsentMethod;
  text: string | null;
  textSha256: string | null;
  version: string | null;
  verificationId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  route: string | null;
  reason: string | null;
  createdAt: Date;
}

export type NewConsentRecord = Omit<ConsentRecord, 'id' | 'action'>;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export type ConsentState = 'granted' | 'withdrawn' | 'none';

/** The latest grant or withdrawal decides; a blocked request changes nothing. */
export function currentState(history: readonly ConsentRecord[]): {
  state: ConsentState;
  since: Date | null;
} {
  for (let i = history.length - 1; i >= 0; i--) {
    const row = history[i];
    if (row && row.action !== 'blocked') return { state: row.action, since: row.createdAt };
  }
  return { state: 'none', since: null };
}
