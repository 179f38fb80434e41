import type { DeliveryIndex } from './delivery-index.ts';

type Entry = NonNullable<Awaited<ReturnType<DeliveryIndex['lookup']>>>;

/** The embedded default's delivery index: bounded by expiry, swept by an unref'd timer. */
export function createMemoryDeliveryIndex(
  wallClock: () => number = Date.now,
): DeliveryIndex & { close(): void } {
  const entries = new Map<string, { entry: Entry; expiresAt: number }>();
  const sweeper = setInterval(() => {
    const now = wallClock();
    for (const [key, item] of entries) if (item.expiresAt <= now) entries.delete(key);
  }, 60_000);
  sweeper.unref();
  return {
    async remember(route, providerMessageId, entry, ttlMs) {
      entries.set(`${route}\u0000${providerMessageId}`, {
        entry: { ...entry },
        expiresAt: wallClock() + ttlMs,
      });
    },
    async lookup(route, providerMessageId) {
      const item = entries.get(`${route}\u0000${providerMessageId}`);
      return item && item.expiresAt > wallClock() ? { ...item.entry } : null;
    },
    close: () => clearInterval(sweeper),
  };
}
