import type { BreakerState, CircuitBreaker } from './circuit-breaker.ts';
import { ProviderError, type SmsProvider } from './provider.ts';
import type { OutgoingSms, SmsRoute } from './sms-route.ts';

export interface SmsRouteEntry {
  name: string;
  provider: SmsProvider;
  senderId: string;
  /** null: every country. */
  countries: ReadonlySet<string> | null;
  timeoutMs: number;
  concurrency: number;
  breaker: CircuitBreaker;
}

export interface SmsRouteMetrics {
  routeSent(route: string): void;
  routeFailed(route: string, reason: string): void;
  routeFailover(from: string, to: string): void;
  routeBreaker(route: string, state: BreakerState): void;
}

/** No route accepted the message. */
export class NoRouteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoRouteError';
  }
}

/**
 * The priority route for transactional codes: routes are tried in configured order, skipping those
 * that do not serve the destination country, whose breaker is open or that are at their concurrency
 * cap. When the first route tried refuses, errors or times out, the next one is tried once, with
 * the same text, so one send never delivers two different codes.
 */
export function createPriorityRoute(
  entries: SmsRouteEntry[],
  deps: { now: () => number; metrics: SmsRouteMetrics },
): SmsRoute & { ready(timeoutMs: number): Promise<string[]>; close(): Promise<void> } {
  const inFlight = new Map<string, number>(entries.map((e) => [e.name, 0]));

  return {
    name: entries[0]?.name ?? 'none',
    async send(sms: OutgoingSms) {
      const candidates = entries.filter(
        (e) => e.countries === null || e.countries.has(sms.country),
      );
      let tried: SmsRouteEntry | null = null;
      let lastError: unknown = null;
      for (const entry of candidates) {
        if ((inFlight.get(entry.name) ?? 0) >= entry.concurrency) {
          deps.metrics.routeFailed(entry.name, 'busy');
          continue;
        }
        if (!entry.breaker.tryPass(deps.now())) continue;
        if (tried) deps.metrics.routeFailover(tried.name, entry.name);
        inFlight.set(entry.name, (inFlight.get(entry.name) ?? 0) + 1);
        try {
          const accepted = await entry.provider.send(
            {
              appId: sms.appId,
              to: sms.to,
              text: sms.text,
              senderId: entry.senderId,
              reference: sms.reference,
            },
            AbortSignal.timeout(entry.timeoutMs),
          );
          entry.breaker.success();
          deps.metrics.routeSent(entry.name);
          return { route: entry.name, providerMessageId: accepted.providerMessageId };
        } catch (error) {
          entry.breaker.failure(deps.now());
          deps.metrics.routeFailed(entry.name, reasonOf(error));
          lastError = error;
          // The first failure allows one more route, never a third.
          if (tried) break;
          tried = entry;
        } finally {
          inFlight.set(entry.name, (inFlight.get(entry.name) ?? 1) - 1);
          deps.metrics.routeBreaker(entry.name, entry.breaker.state(deps.now()));
        }
      }
      throw new NoRouteError(
        candidates.length === 0
          ? `no SMS route serves ${sms.country}`
          : 'no SMS route accepted the message',
        { cause: lastError },
      );
    },
    /** Waits up to `timeoutMs` for session-based routes to come up; returns those still down. */
    async ready(timeoutMs) {
      const down: string[] = [];
      await Promise.all(
        entries.map(async (entry) => {
          if (!entry.provider.ready) return;
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((resolve) => {
            timer = setTimeout(() => resolve('late'), timeoutMs);
          });
          const outcome = await Promise.race([
            entry.provider.ready().then(
              () => 'up' as const,
              () => 'late' as const,
            ),
            late,
          ]);
          clearTimeout(timer);
          if (outcome === 'late') down.push(entry.name);
        }),
      );
      return down;
    },
    async close() {
      await Promise.all(entries.map((e) => e.provider.close?.()));
    },
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof ProviderError) return error.reason;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timeout';
  return 'error';
}
