import type { Logger } from '../../../telemetry/logger.ts';
import {
  type ProviderAccepted,
  ProviderError,
  type ProviderMessage,
  type SmsProvider,
} from '../../provider.ts';
import { countSegments } from '../../segments.ts';
import { exchangeWithProvider, httpStatusError } from '../http-json/http-json.ts';

/**
 * Kannel's smsbox (`GET /cgi-bin/sendsms`), in front of bearerbox and its SMSC links. Kannel
 * answers without a message id, so the verification id travels in the delivery-report URL and
 * doubles as the provider message id that receipts are matched by.
 */

export interface KannelProviderOptions {
  /** smsbox's base URL (its sendsms-port), e.g. http://127.0.0.1:13013. */
  url: string;
  /** A `sendsms-user` of smsbox. */
  username: string;
  password: string;
  /** The SMSC link to use (`smsc=`); a `forced-smsc` on the sendsms user wins over it. */
  smsc?: string;
  /** Where Kannel reports delivery (GET); it carries a per-route secret, so it is never logged. */
  dlrUrl?: string;
  logger?: Logger;
}

// Kannel's coding: 0 is 7-bit (it converts the UTF-8 text to GSM 03.38 itself), 2 is UCS-2.
const CODING_GSM7 = '0';
const CODING_UCS2 = '2';
// Every report: delivered 1, undeliverable 2, buffered 4, accepted by the SMSC 8, rejected 16.
const DLR_MASK = '31';

export function createKannelProvider(options: KannelProviderOptions): SmsProvider {
  // Built from a parsed URL so every request URL parses: a URL error would quote it, password
  // and all.
  const base = new URL(options.url);
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash)
    throw new Error('Kannel url must be an http(s) base URL without query or fragment');
  base.pathname = base.pathname.replace(/\/*$/, '/cgi-bin/sendsms');
  const sendsmsUrl = base.toString();

  return {
    kind: 'kannel',
    async send(message: ProviderMessage, signal: AbortSignal): Promise<ProviderAccepted> {
      const { encoding, segments } = countSegments(message.text);
      // A code message always fits one SMS; Kannel would split or cut a longer one.
      if (segments > 1)
        throw new ProviderError('refused', `multi-part message (${segments} segments) not sent`);
      const query = new URLSearchParams({
        username: options.username,
        password: options.password,
        from: message.senderId,
        to: message.to,
        text: message.text,
        // The highest priority: OTPs overtake bulk traffic queued on the same link.
        priority: '3',
        coding: encoding === 'GSM-7' ? CODING_GSM7 : CODING_UCS2,
        charset: 'UTF-8',
      });
      if (options.smsc) query.set('smsc', options.smsc);
      if (options.dlrUrl) {
        query.set('dlr-mask', DLR_MASK);
        query.set('dlr-url', kannelDlrUrl(options.dlrUrl, message.reference));
      }
      const answer = await exchangeWithProvider({
        kind: 'kannel',
        label: 'Kannel',
        url: `${sendsmsUrl}?${query}`,
        init: { method: 'GET', headers: new Headers({ accept: 'text/plain' }) },
        signal,
        logger: options.logger,
      });
      // 202 is both "0: Accepted for delivery" and "3: Queued for later delivery": the SMSC link
      // is down and the code would leave whenever it comes back. A late code is a lost login, so
      // that counts as unavailable and the next route is tried; if Kannel sends it later too, it
      // is the same text, never a second code.
      if (answer.status === 202 || answer.status === 200) {
        if (/^\s*3:/.test(answer.body)) {
          throw new ProviderError(
            'unavailable',
            'Kannel queued the message for later (SMSC link down)',
          );
        }
        return { providerMessageId: message.reference };
      }
      const detail = answer.body.trim().split('\n')[0] ?? '';
      throw httpStatusError('Kannel', answer, detail === '' ? null : detail, message);
    },
  };
}

/**
 * The dlr-url for one message: ours plus `ref` and Kannel's `%d` (the report type). Kannel
 * expands every `%x` in it, and percent-encoding makes some (%C3 holds `%C`, the charset), so
 * our own `%` are doubled: `%%` is Kannel's literal percent sign.
 */
export function kannelDlrUrl(dlrUrl: string, reference: string): string {
  const literal = (s: string) => s.replaceAll('%', '%%');
  const separator = dlrUrl.includes('?') ? '&' : '?';
  return `${literal(dlrUrl)}${separator}ref=${literal(encodeURIComponent(reference))}&status=%d`;
}

export interface KannelReceipt {
  /** Our reference (the verification id), which the provider gave as its message id. */
  providerMessageId: string;
  status: 'delivered' | 'undelivered' | 'sent' | 'queued';
  errorCode: string | null;
}

const KANNEL_STATUSES: Record<string, Pick<KannelReceipt, 'status' | 'errorCode'>> = {
  '1': { status: 'delivered', errorCode: null },
  '2': { status: 'undelivered', errorCode: null },
  '4': { status: 'queued', errorCode: null },
  '8': { status: 'sent', errorCode: null },
  // The SMSC refused the submit after smsbox had answered 202.
  '16': { status: 'undelivered', errorCode: 'smsc_rejected' },
};

/** Reads the query of a Kannel dlr-url call; null when `ref` or a known `status` is missing. */
export function parseKannelReceipt(query: { ref?: string; status?: string }): KannelReceipt | null {
  const { ref, status } = query;
  if (!ref || !status || !Object.hasOwn(KANNEL_STATUSES, status)) return null;
  return { providerMessageId: ref, ...KANNEL_STATUSES[status]! };
}
