import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../telemetry/logger.ts';
import { eventOfOutbox, type ReadVerification } from './audit-to-event.ts';
import type { WebhooksDeps } from './deps.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { postPinned, type Resolver, systemResolver } from './egress.ts';
import type { WebhookEventType } from './event-types.ts';
import { createPostgresWebhookStore } from './postgres-webhook-store.ts';

export interface WebhooksInfra {
  database: Database;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'webhooks'>;
  keys: Pick<DerivedKeys, 'webhookSecretKey'>;
  onClose(close: () => Promise<void>): void;
  /** The code store's read of a verification: verification.expired is decided with it. */
  readVerification: ReadVerification;
  /** Host name resolution (the system's by default). */
  resolve?: Resolver;
}

/**
 * Queues an event for the app's endpoints subscribed to its type, for a module whose event has
 * no audit row the trail's trigger would queue it from (signature.signed). `data` is the payload's
 * `data` as is: it must hold no code and no clear number. Resolves once the event is committed.
 */
export type PublishEvent = (
  appId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
) => Promise<void>;

export interface WebhooksModule {
  deps: WebhooksDeps;
  publish: PublishEvent;
  dispatcher: Dispatcher;
}

/** How often each process looks for events to expand and deliveries that are due. */
export const POLL_MS = 1000;

/** Webhooks on Postgres: the endpoints, the outbox the audit trail fills, and the worker. */
export function wire(infra: WebhooksInfra): WebhooksModule {
  const { logger } = infra;
  const store = guardAvailability(
    createPostgresWebhookStore(infra.database),
    'postgres',
    isPostgresOutage,
  );
  const resolve = infra.resolve ?? systemResolver;
  const policy = infra.config.webhooks;
  const dispatcher = createDispatcher({
    store,
    clock: infra.clock,
    policy,
    resolve,
    post: postPinned,
    secretKey: infra.keys.webhookSecretKey,
    eventOf: eventOfOutbox(infra.readVerification),
    onError: (error) => logger.warn({ err: error }, 'webhook round failed; the next one retries'),
  });
  dispatcher.start(POLL_MS);
  // Stopped before the database closes (closers run in reverse): the attempt in flight is recorded.
  infra.onClose(() => dispatcher.close());
  return {
    deps: {
      clock: infra.clock,
      store,
      policy,
      resolve,
      secretKey: infra.keys.webhookSecretKey,
    },
    publish: async (appId, type, data) => {
      await store.publish({
        messageId: newId('msg'),
        appId,
        type,
        at: new Date(infra.clock.now()),
        data,
      });
      dispatcher.wake();
    },
    dispatcher,
  };
}
