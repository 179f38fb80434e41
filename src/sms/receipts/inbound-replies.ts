/** A reply received from a phone, once recorded: what modules acting on replies are told. */
export interface InboundReply {
  route: string;
  /** The sender's number (E.164); only held in memory, never stored in clear. */
  e164: string;
  /** INBOUND_KEYWORDS' word, or `other`. */
  keyword: string;
  kind: 'opt_out' | 'help' | 'opt_in' | null;
  /** The apps the reply concerns. */
  appIds: readonly string[];
  at: number;
}

export type InboundReplyListener = (reply: InboundReply) => Promise<void>;

/**
 * Modules that act on replies (consent withdraws on STOP) subscribe here from their wire, so the SMS
 * module knows none of them. Listeners are awaited: an HTTP callback that fails is answered with an
 * error and the provider retries it.
 */
export interface InboundReplies {
  add(listener: InboundReplyListener): void;
  notify(reply: InboundReply): Promise<void>;
}

export function createInboundReplies(): InboundReplies {
  const listeners: InboundReplyListener[] = [];
  return {
    add: (listener) => void listeners.push(listener),
    async notify(reply) {
      for (const listener of listeners) await listener(reply);
    },
  };
}
