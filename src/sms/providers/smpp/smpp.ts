import smpp, { type PDU, type Session } from 'smpp';
import type { Logger } from '../../../telemetry/logger.ts';
import { gsm7Septets } from '../../gsm-alphabet.ts';
import {
  type ProviderAccepted,
  ProviderError,
  type ProviderMessage,
  type SmsProvider,
} from '../../provider.ts';
import { countSegments } from '../../segments.ts';

export type SmppReceiptStatus = 'delivered' | 'undelivered' | 'failed' | 'accepted';

export interface SmppReceipt {
  providerMessageId: string;
  status: SmppReceiptStatus;
  /** When the receipt reached us: the SMSC's own "done date" has no time zone. */
  at: Date;
}

export interface SmppInbound {
  /** E.164 when the SMSC marks the number international, otherwise as the SMSC sent it. */
  from: string;
  text: string;
  at: Date;
}

export interface SmppProviderOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** Keep-alive period; a link that leaves one enquire_link unanswered until the next is dropped. */
  enquireLinkMs?: number;
  /** First reconnect delay; it doubles per failed attempt, up to 30 times this value. */
  reconnectMs?: number;
  logger?: Logger;
  onReceipt?: (receipt: SmppReceipt) => void;
  /** A mobile-originated message on the same session, such as a STOP reply. */
  onInbound?: (message: SmppInbound) => void;
}

export type SmppProvider = SmsProvider & {
  /** Resolves once bound; rejects with 'unavailable' if the current attempt fails (retries go on). */
  ready(): Promise<void>;
  close(): Promise<void>;
};

// SMPP v3.4 (the `smpp` package binds as 5.0 unless told otherwise).
const INTERFACE_VERSION = 0x34;
const BIND_TIMEOUT_MS = 10_000;
const UNBIND_TIMEOUT_MS = 1_000;
const DATA_CODING_GSM7 = 0x00;
const DATA_CODING_UCS2 = 0x08;
// esm_class bits 5-2 are the message type (SMPP v3.4 §5.2.12).
const ESM_MESSAGE_TYPE = 0x3c;
const ESM_DELIVERY_RECEIPT = 0x04;
const ESM_INTERMEDIATE_NOTIFICATION = 0x20;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_UNKNOWN = 0;
const NPI_ISDN = 1;

interface Pending {
  resolve(accepted: ProviderAccepted): void;
  reject(error: ProviderError): void;
}

/** One TCP connection and its bind; replaced as a whole on reconnect. */
interface Link {
  session: Session;
  bound: boolean;
  ended: boolean;
  /** In-flight submit_sm by sequence number: responses can come back in any order. */
  pending: Map<number, Pending>;
  awaitingEnquireResp: boolean;
  enquireTimer: NodeJS.Timeout | undefined;
  bindTimer: NodeJS.Timeout | undefined;
  /** Why the link never bound, for ready(). */
  failure: string | undefined;
}

/**
 * An SMPP v3.4 ESME: one persistent bind_transceiver session kept alive with enquire_link and
 * rebound on its own after a drop, submitting each code as one priority submit_sm that asks for a
 * delivery receipt.
 */
export function createSmppProvider(options: SmppProviderOptions): SmppProvider {
  const enquireLinkMs = options.enquireLinkMs ?? 30_000;
  const reconnectMs = options.reconnectMs ?? 1_000;
  const maxReconnectMs = reconnectMs * 30;
  const log = options.logger?.child({ provider: 'smpp', host: options.host, port: options.port });

  let current: Link | null = null;
  let closed = false;
  let closing: Promise<void> | null = null;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let waiters: { resolve(): void; reject(error: ProviderError): void }[] = [];

  const settleWaiters = (error?: ProviderError) => {
    const all = waiters;
    waiters = [];
    for (const waiter of all) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  };

  function connect() {
    reconnectTimer = undefined;
    const session = smpp.connect({ host: options.host, port: options.port });
    const link: Link = {
      session,
      bound: false,
      ended: false,
      pending: new Map(),
      awaitingEnquireResp: false,
      enquireTimer: undefined,
      bindTimer: undefined,
      failure: undefined,
    };
    current = link;
    link.bindTimer = setTimeout(() => {
      link.failure = `not bound within ${BIND_TIMEOUT_MS} ms`;
      session.destroy();
    }, BIND_TIMEOUT_MS);

    session.on('connect', () => {
      session.send(
        new smpp.PDU('bind_transceiver', {
          system_id: options.systemId,
          password: options.password,
          system_type: options.systemType ?? '',
          interface_version: INTERFACE_VERSION,
        }),
      );
    });
    session.on('bind_transceiver_resp', (pdu: PDU) => {
      clearTimeout(link.bindTimer);
      if (pdu.command_status !== 0) {
        link.failure = `bind refused: command_status ${statusText(pdu.command_status)}`;
        log?.warn(
          { event: 'smpp_bind_refused', status: statusText(pdu.command_status) },
          'SMPP bind refused',
        );
        session.destroy();
        return;
      }
      link.bound = true;
      attempt = 0;
      link.enquireTimer = setInterval(() => keepAlive(link), enquireLinkMs);
      log?.info({ event: 'smpp_bound' }, 'SMPP session bound');
      settleWaiters();
    });
    session.on('enquire_link', (pdu: PDU) => {
      session.send(pdu.response());
    });
    session.on('enquire_link_resp', () => {
      link.awaitingEnquireResp = false;
    });
    session.on('submit_sm_resp', (pdu: PDU) => settleSubmit(link, pdu));
    // A generic_nack carries the sequence number of the request it refuses.
    session.on('generic_nack', (pdu: PDU) => settleSubmit(link, pdu));
    session.on('deliver_sm', (pdu: PDU) => onDeliver(link, pdu));
    session.on('unbind', (pdu: PDU) => {
      log?.info({ event: 'smpp_unbind_requested' }, 'SMSC asked to unbind');
      link.bound = false;
      session.send(pdu.response());
      session.close();
    });
    session.on('unknown', (pdu: PDU) => {
      session.send(pdu.response());
    });
    session.on('error', (error: Error) => {
      link.failure ??= error.message;
      log?.debug({ event: 'smpp_link_error', error: error.message }, 'SMPP link error');
      // After a PDU it cannot parse the package stops reading the socket: start afresh.
      session.destroy();
    });
    session.on('close', () => onClose(link));
  }

  function keepAlive(link: Link) {
    if (link.awaitingEnquireResp) {
      log?.warn({ event: 'smpp_link_unresponsive' }, 'SMPP enquire_link unanswered, dropping');
      link.session.destroy();
      return;
    }
    link.awaitingEnquireResp = true;
    link.session.send(new smpp.PDU('enquire_link'));
  }

  function onClose(link: Link) {
    if (link.ended) return;
    link.ended = true;
    clearTimeout(link.bindTimer);
    clearInterval(link.enquireTimer);
    const wasBound = link.bound;
    link.bound = false;
    if (current === link) current = null;
    const lost = new ProviderError('unavailable', 'SMPP connection lost before submit_resp');
    for (const pending of link.pending.values()) pending.reject(lost);
    link.pending.clear();
    if (wasBound) log?.info({ event: 'smpp_unbound' }, 'SMPP session lost');
    else
      settleWaiters(
        new ProviderError(
          'unavailable',
          `SMPP bind failed: ${link.failure ?? 'connection closed'}`,
        ),
      );
    if (!closed) scheduleReconnect();
  }

  function scheduleReconnect() {
    const delay = Math.min(reconnectMs * 2 ** attempt, maxReconnectMs);
    attempt++;
    log?.info({ event: 'smpp_reconnecting', attempt, inMs: delay }, 'SMPP reconnecting');
    reconnectTimer = setTimeout(connect, delay);
  }

  function settleSubmit(link: Link, pdu: PDU) {
    const pending = link.pending.get(pdu.sequence_number);
    if (!pending) {
      // Usually a submit_resp that came after the caller gave up: the caller already has 'timeout'.
      log?.debug({ event: 'smpp_late_response', command: pdu.command }, 'SMPP response ignored');
      return;
    }
    link.pending.delete(pdu.sequence_number);
    const status = pdu.command_status;
    log?.debug({ event: 'smpp_submit', status: statusText(status) }, 'SMPP submit_sm answered');
    if (status !== 0 || pdu.command !== 'submit_sm_resp') {
      const reason = TRY_LATER_STATUSES.has(status) ? 'unavailable' : 'refused';
      pending.reject(
        new ProviderError(reason, `${pdu.command} with command_status ${statusText(status)}`),
      );
      return;
    }
    const id = typeof pdu.message_id === 'string' && pdu.message_id ? pdu.message_id : null;
    pending.resolve({ providerMessageId: id });
  }

  function onDeliver(link: Link, pdu: PDU) {
    // Acknowledge first: the SMSC redelivers whatever we leave unanswered.
    link.session.send(pdu.response());
    const at = new Date();
    const type = Number(pdu.esm_class) & ESM_MESSAGE_TYPE;
    if (type === ESM_DELIVERY_RECEIPT || type === ESM_INTERMEDIATE_NOTIFICATION) {
      const receipt = parseReceipt(pdu, at);
      if (!receipt) {
        log?.info({ event: 'smpp_receipt_unparsed' }, 'SMPP receipt without id or state');
        return;
      }
      log?.debug({ event: 'smpp_receipt', status: receipt.status }, 'SMPP receipt');
      notify('onReceipt', () => options.onReceipt?.(receipt));
      return;
    }
    if (type !== 0) return;
    log?.debug({ event: 'smpp_inbound' }, 'SMPP inbound message');
    const inbound = { from: inboundAddress(pdu), text: messageText(pdu), at };
    notify('onInbound', () => options.onInbound?.(inbound));
  }

  // A throwing or rejecting callback must not break the session's PDU loop.
  function notify(callback: string, run: () => unknown) {
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => {
        log?.error({ event: 'smpp_callback_failed', callback, err: error }, 'SMPP callback failed');
      });
  }

  connect();

  return {
    kind: 'smpp',

    async send(message: ProviderMessage, signal: AbortSignal): Promise<ProviderAccepted> {
      if (signal.aborted) throw timeoutError(signal);
      const { encoding, segments } = countSegments(message.text);
      // A code message always fits one SMS; concatenation (UDH, SAR) is deliberately unsupported.
      if (segments > 1)
        throw new ProviderError('refused', `multi-part message (${segments} segments) not sent`);
      const link = current;
      if (closed || !link?.bound) throw new ProviderError('unavailable', 'SMPP session not bound');
      const gsm7 = encoding === 'GSM-7';
      const pdu = new smpp.PDU('submit_sm', {
        ...sourceAddress(message.senderId),
        dest_addr_ton: TON_INTERNATIONAL,
        dest_addr_npi: NPI_ISDN,
        destination_addr: message.to.replace(/^\+/, ''),
        priority_flag: 3,
        registered_delivery: 1,
        data_coding: gsm7 ? DATA_CODING_GSM7 : DATA_CODING_UCS2,
        // A Buffer goes out as is: the package's own text encoders depend on a global default.
        short_message: gsm7 ? encodeGsm7(message.text) : encodeUcs2(message.text),
      });
      if (!link.session.send(pdu))
        throw new ProviderError('unavailable', 'SMPP connection not writable');
      const sequence = pdu.sequence_number;
      return new Promise<ProviderAccepted>((resolve, reject) => {
        const onAbort = () => {
          link.pending.delete(sequence);
          log?.debug({ event: 'smpp_submit_timeout' }, 'SMPP submit_sm abandoned');
          reject(timeoutError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        link.pending.set(sequence, {
          resolve(accepted) {
            signal.removeEventListener('abort', onAbort);
            resolve(accepted);
          },
          reject(error) {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        });
      });
    },

    ready() {
      if (closed) return Promise.reject(new ProviderError('unavailable', 'SMPP provider closed'));
      if (current?.bound) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },

    close() {
      closing ??= shutdown();
      return closing;
    },
  };

  async function shutdown() {
    closed = true;
    clearTimeout(reconnectTimer);
    settleWaiters(new ProviderError('unavailable', 'SMPP provider closed'));
    const link = current;
    if (!link || link.ended) return;
    const gone = new Promise<void>((resolve) => link.session.socket.once('close', () => resolve()));
    if (!link.bound) {
      link.session.destroy();
      return gone;
    }
    // A polite unbind lets the SMSC stop routing receipts to this session before the socket goes.
    const answered = new Promise<void>((resolve) =>
      link.session.once('unbind_resp', () => resolve()),
    );
    link.session.send(new smpp.PDU('unbind'));
    await Promise.race([answered, gone, delay(UNBIND_TIMEOUT_MS)]);
    link.session.close();
    await Promise.race([gone, delay(UNBIND_TIMEOUT_MS)]);
    link.session.destroy();
  }
}

function timeoutError(signal: AbortSignal): ProviderError {
  return new ProviderError('timeout', 'no submit_sm_resp before the deadline', {
    cause: signal.reason,
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function sourceAddress(senderId: string) {
  if (/\p{L}/u.test(senderId))
    return {
      source_addr_ton: TON_ALPHANUMERIC,
      source_addr_npi: NPI_UNKNOWN,
      source_addr: senderId,
    };
  return {
    source_addr_ton: TON_INTERNATIONAL,
    source_addr_npi: NPI_ISDN,
    source_addr: senderId.replace(/^\+/, ''),
  };
}

/**
 * "Slow down", not a verdict on the message (like HTTP 429): ESME_RTHROTTLED (the session's submit
 * rate is exceeded) and ESME_RMSGQFUL (the SMSC's queue is full). Unavailable, so the next route
 * is tried and the breaker counts it as the route's trouble.
 */
const TRY_LATER_STATUSES: ReadonlySet<number> = new Set([
  smpp.errors.ESME_RTHROTTLED as number,
  smpp.errors.ESME_RMSGQFUL as number,
]);

/** `0x00000045 (ESME_RSUBMITFAIL)`: the code carriers document, and its name when known. */
function statusText(status: number): string {
  const hex = `0x${status.toString(16).padStart(8, '0')}`;
  const name = Object.entries(smpp.errors).find(([, code]) => code === status)?.[0];
  return name ? `${hex} (${name})` : hex;
}

/** Unpacked septets, one per octet, as SMPP carries data_coding 0 (packing is the SMSC's job). */
export function encodeGsm7(text: string): Buffer {
  const septets: number[] = [];
  for (const char of text) {
    const gsm7 = gsm7Septets(char);
    if (!gsm7) throw new RangeError('character outside the GSM 7-bit alphabet');
    septets.push(...gsm7);
  }
  return Buffer.from(septets);
}

function encodeUcs2(text: string): Buffer {
  // UTF-16 big-endian, surrogate pairs included: what handsets decode for data_coding 8.
  return Buffer.from(text, 'utf16le').swap16();
}

const MESSAGE_STATES: Record<number, SmppReceiptStatus> = {
  1: 'accepted', // ENROUTE
  2: 'delivered',
  3: 'undelivered', // EXPIRED
  4: 'undelivered', // DELETED
  5: 'undelivered',
  6: 'accepted',
  7: 'failed', // UNKNOWN
  8: 'failed', // REJECTED
  9: 'failed', // SKIPPED (v5.0)
};

const STAT_WORDS: Record<string, SmppReceiptStatus> = {
  DELIVRD: 'delivered',
  DELIVERED: 'delivered',
  ACCEPTD: 'accepted',
  ACCEPTED: 'accepted',
  ENROUTE: 'accepted',
  EXPIRED: 'undelivered',
  DELETED: 'undelivered',
  UNDELIV: 'undelivered',
  UNDELIVERABLE: 'undelivered',
  REJECTD: 'failed',
  REJECTED: 'failed',
  UNKNOWN: 'failed',
};

/** The receipted_message_id and message_state TLVs when present, else the `id:` / `stat:` text. */
function parseReceipt(pdu: PDU, at: Date): SmppReceipt | null {
  const text = messageText(pdu);
  const idTlv = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : '';
  const providerMessageId = idTlv || /\bid:(\S+)/i.exec(text)?.[1];
  const state =
    typeof pdu.message_state === 'number' ? MESSAGE_STATES[pdu.message_state] : undefined;
  const stat = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  const status = state ?? (stat ? STAT_WORDS[stat] : undefined);
  if (!providerMessageId || !status) return null;
  return { providerMessageId, status, at };
}

function messageText(pdu: PDU): string {
  for (const field of [pdu.short_message, pdu.message_payload]) {
    const message = Buffer.isBuffer(field)
      ? field
      : (field as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && message) return message;
    // A data_coding the package does not decode: Latin-1 keeps ASCII readable.
    if (Buffer.isBuffer(message) && message.length) return message.toString('latin1');
  }
  return '';
}

function inboundAddress(pdu: PDU): string {
  const address = typeof pdu.source_addr === 'string' ? pdu.source_addr : '';
  return pdu.source_addr_ton === TON_INTERNATIONAL && /^\d+$/.test(address)
    ? `+${address}`
    : address;
}
