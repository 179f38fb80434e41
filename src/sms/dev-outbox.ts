export interface OutboxMessage {
  appId: string;
  to: string;
  text: string;
  route: string;
  sentAt: Date;
}

/**
 * What the console route "sent", for local development. Process memory only (never Redis or
 * Postgres, which would put clear codes at rest), bounded, and never built in production.
 */
export interface DevOutbox {
  add(message: OutboxMessage): void;
  /** Newest first, only the given app's messages to that number. */
  list(appId: string, to: string): OutboxMessage[];
}

export function createDevOutbox(capacity = 1000): DevOutbox {
  const messages: OutboxMessage[] = [];
  return {
    add(message) {
      messages.push(message);
      if (messages.length > capacity) messages.splice(0, messages.length - capacity);
    },
    list(appId, to) {
      return messages.filter((m) => m.appId === appId && m.to === to).reverse();
    },
  };
}
