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
  // Indexed by app and number (a load test reads one number per cycle), with the arrival order
  // kept apart for eviction: both O(1) per message, however full the outbox is.
  const byRecipient = new Map<string, OutboxMessage[]>();
  const arrivals: string[] = [];
  let oldest = 0;
  const keyOf = (appId: string, to: string) => `${appId}\n${to}`;
  return {
    add(message) {
      const key = keyOf(message.appId, message.to);
      const list = byRecipient.get(key);
      if (list) list.push(message);
      else byRecipient.set(key, [message]);
      arrivals.push(key);
      if (arrivals.length - oldest > capacity) {
        const evicted = arrivals[oldest++]!;
        const evictedList = byRecipient.get(evicted)!;
        evictedList.shift();
        if (evictedList.length === 0) byRecipient.delete(evicted);
      }
      // Drops the evicted keys' slots once per `capacity` messages.
      if (oldest >= capacity) {
        arrivals.splice(0, oldest);
        oldest = 0;
      }
    },
    list(appId, to) {
      return [...(byRecipient.get(keyOf(appId, to)) ?? [])].reverse();
    },
  };
}
