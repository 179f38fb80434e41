import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../../kernel/crypto/hmac.ts';
import type { Logger } from '../../../telemetry/logger.ts';
import {
  type ProviderAccepted,
  ProviderError,
  type ProviderMessage,
  type SmsProvider,
} from '../../provider.ts';
import { exchangeWithProvider, httpStatusError, parseJson } from '../http-json/http-json.ts';

/** Twilio's Programmable Messaging API (Messages resource, 2010-04-01). */

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  /** Default https://api.twilio.com; tests point it at a local server. */
  baseUrl?: string;
  /** Where Twilio posts delivery status; it carries a per-route secret, so it is never logged. */
  statusCallbackUrl?: string;
  logger?: Logger;
}

export function createTwilioProvider(options: TwilioProviderOptions): SmsProvider {
  const baseUrl = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const url = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  return {
    kind: 'twilio',
    async send(message: ProviderMessage, signal: AbortSignal): Promise<ProviderAccepted> {
      const form = new URLSearchParams({
        To: message.to,
        From: message.senderId,
        Body: message.text,
      });
      if (options.statusCallbackUrl) form.set('StatusCallback', options.statusCallbackUrl);
      const answer = await exchangeWithProvider({
        kind: 'twilio',
        label: 'Twilio',
        url,
        init: {
          method: 'POST',
          headers: new Headers({
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          }),
          body: form.toString(),
        },
        signal,
        logger: options.logger,
      });

      const json = parseJson(answer.body);
      const record =
        json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
      if (answer.status >= 200 && answer.status < 300) {
        const sid = record.sid;
        if (typeof sid === 'string' && sid !== '') return { providerMessageId: sid };
        throw new ProviderError('bad_response', `Twilio answered ${answer.status} without a sid`);
      }
      throw httpStatusError('Twilio', answer, describeTwilioError(record), message);
    },
  };
}

/** Twilio errors are `{ code, message, more_info, status }`. */
function describeTwilioError(record: Record<string, unknown>): string | null {
  const code =
    typeof record.code === 'number' || typeof record.code === 'string' ? record.code : null;
  const text = typeof record.message === 'string' && record.message !== '' ? record.message : null;
  if (code === null && text === null) return null;
  if (code === null) return text;
  return text === null ? `code ${code}` : `code ${code}: ${text}`;
}

export interface TwilioStatusCallback {
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'failed' | 'undelivered' | 'queued';
  /** Twilio's error code (e.g. 30003) on failed/undelivered messages; null otherwise. */
  errorCode: string | null;
}

// Statuses before the carrier has it are all "queued" for us; `canceled` (a scheduled message
// that was cancelled) never went out, so it is a failure. Inbound statuses are not ours.
const TWILIO_STATUSES: Record<string, TwilioStatusCallback['status']> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * Reads a Twilio status callback form. Null when it is not about an outbound message we can
 * match (no MessageSid, an unknown or inbound status). Authenticating the callback is the route's
 * job (its URL carries a secret, and Twilio signs it: isTwilioSignatureValid).
 */
export function parseTwilioStatusCallback(form: URLSearchParams): TwilioStatusCallback | null {
  const providerMessageId = form.get('MessageSid') ?? form.get('SmsSid');
  const raw = (form.get('MessageStatus') ?? form.get('SmsStatus'))?.toLowerCase();
  if (!providerMessageId || !raw || !Object.hasOwn(TWILIO_STATUSES, raw)) return null;
  const errorCode = form.get('ErrorCode');
  return {
    providerMessageId,
    status: TWILIO_STATUSES[raw]!,
    errorCode: errorCode && errorCode !== '0' ? errorCode : null,
  };
}

/**
 * Twilio's X-Twilio-Signature for a form POST: base64 HMAC-SHA1, keyed with the account's auth
 * token, of the URL Twilio called followed by each parameter's name and value, names sorted.
 */
export function twilioSignature(authToken: string, url: string, form: URLSearchParams): string {
  let data = url;
  for (const name of [...new Set(form.keys())].sort()) {
    for (const value of form.getAll(name).sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `signature` is Twilio's for this request. Like Twilio's own SDKs, the URL is also tried
 * with its default port written out or left out, since either form may be the one Twilio signed.
 */
export function isTwilioSignatureValid(
  authToken: string,
  url: string,
  form: URLSearchParams,
  signature: string,
): boolean {
  return urlPortForms(url).some((candidate) =>
    constantTimeEqual(twilioSignature(authToken, candidate, form), signature),
  );
}

function urlPortForms(url: string): string[] {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed) return [url];
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  const rest = `${parsed.pathname}${parsed.search}`;
  const withPort = `${parsed.protocol}//${parsed.hostname}:${parsed.port || defaultPort}${rest}`;
  const withoutPort =
    parsed.port && parsed.port !== defaultPort
      ? null
      : `${parsed.protocol}//${parsed.hostname}${rest}`;
  return [...new Set([url, withPort, ...(withoutPort ? [withoutPort] : [])])];
}
