import type { Clock } from '../kernel/clock.ts';
import { decrypt } from '../kernel/crypto/aead.ts';
import { type PostResult, type postPinned, type Resolver, resolveDestination } from './egress.ts';
import type { EgressPolicy } from './egress-policy.ts';
import { retryDelayMs } from './retry-schedule.ts';
import { signedHeaders } from './signing.ts';
import type { AttemptOutcome, ClaimedDelivery, EventOfOutbox, WebhookStore } from './store.ts';

export interface DispatcherDeps {
  store: WebhookStore;
  clock: Clock;
  policy: EgressPolicy;
  resolve: Resolver;
  /** Sends one attempt to an address already judged (egress.ts postPinned). */
  post: typeof postPinned;
  /** Opens endpoint secrets (webhookSecretKey). */
  secretKey: Buffer;
  eventOf: EventOfOutbox;
  onError(error: unknown): void;
}

/**
 * How long a claimed delivery is held by the worker that claimed it. A worker that dies holding
 * one lets it go when this ends, and another worker sends it again: delivery is at least once.
 */
export const LEASE_MS = 60_000;
const OUTBOX_BATCH = 200;
const DELIVERY_BATCH = 16;

export interface Dispatcher {
  /** Expands the outbox, then attempts what is due; resolves with the number of attempts made. */
  runOnce(): Promise<number>;
  /** Polls every `intervalMs` (and at once after a round that had work) until `close`. */
  start(intervalMs: number): void;
  /** Runs a round now instead of at the next poll (after an event was queued here). */
  wake(): void;
  /** Stops polling and waits for the round in flight, whose attempts are then recorded. */
  close(): Promise<void>;
}

export function openSecrets(delivery: ClaimedDelivery, key: Buffer, now: number): string[] {
  const { endpoint } = delivery;
  const secrets = [decrypt(key, endpoint.secretSealed, endpoint.id)];
  const previousValid =
    endpoint.previousSecretSealed !== null &&
    endpoint.previousSecretUntil !== null &&
    endpoint.previousSecretUntil.getTime() > now;
  if (previousValid && endpoint.previousSecretSealed) {
    secrets.push(decrypt(key, endpoint.previousSecretSealed, endpoint.id));
  }
  return secrets;
}

/** The attempt's outcome: 2xx delivered; anything else retried on schedule, then failed. */
export function outcomeOf(
  delivery: Pick<ClaimedDelivery, 'attempts'>,
  result: PostResult,
  at: Date,
): AttemptOutcome {
  const { status } = result;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered', at, status };
  const error = result.error ?? (status === null ? 'no answer' : `answered ${status}`);
  const delay = retryDelayMs(delivery.attempts + 1);
  return delay === null
    ? { kind: 'failed', at, status, error }
    : { kind: 'retry', at, status, error, nextAttemptAt: new Date(at.getTime() + delay) };
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { store, clock } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  let closed = false;
  let interval = 1000;

  const attempt = async (delivery: ClaimedDelivery): Promise<void> => {
    const at = new Date(clock.now());
    // Judged again before each attempt: the name may resolve elsewhere than at registration.
    const destination = await resolveDestination(delivery.endpoint.url, deps.policy, deps.resolve);
    const result: PostResult = destination.ok
      ? await deps.post(
          destination,
          signedHeaders(
            delivery.messageId,
            at,
            delivery.payload,
            openSecrets(delivery, deps.secretKey, at.getTime()),
          ),
          delivery.payload,
        )
      : { status: null, error: `refused: the URL ${destination.reason}` };
    await store.recordAttempt(delivery.id, outcomeOf(delivery, result, at));
  };

  const round = async (): Promise<number> => {
    const now = clock.now();
    while ((await store.expandOutbox(new Date(now), OUTBOX_BATCH, deps.eventOf)) === OUTBOX_BATCH);
    const claimed = await store.claimDue(new Date(now), new Date(now + LEASE_MS), DELIVERY_BATCH);
    // One delivery per endpoint per round: endpoints are attempted side by side.
    await Promise.all(claimed.map((delivery) => attempt(delivery).catch(deps.onError)));
    return claimed.length;
  };

  const runOnce = (): Promise<number> => {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = (ms: number) => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce()
        .then((attempts) => {
          if (attempts > 0 || again) {
            again = false;
            schedule(0);
          }
        })
        .catch(deps.onError)
        .finally(() => schedule(interval));
    }, ms);
    timer.unref();
  };

  return {
    runOnce,
    start(intervalMs) {
      interval = intervalMs;
      schedule(0);
    },
    wake() {
      if (running) again = true;
      else if (timer) {
        clearTimeout(timer);
        timer = null;
        schedule(0);
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => 0);
    },
  };
}
