import type { AuditQueries, AuditTrail } from '../audit/index.ts';
import type { Config } from '../config/config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ServiceMetrics } from '../telemetry/service-metrics.ts';
import type { CodeStore } from '../verification/index.ts';
import { buildPriorityRoute } from './build-priority-route.ts';
import { createDevOutbox, type DevOutbox } from './dev-outbox.ts';
import type { SmsRouteMetrics } from './priority-route.ts';
import type { DeliveryIndex } from './receipts/delivery-index.ts';
import type { ReceiptDeps } from './receipts/endpoints.ts';
import { createInboundReplies, type InboundReplies } from './receipts/inbound-replies.ts';
import { createMemoryDeliveryIndex } from './receipts/memory-delivery-index.ts';
import { recordInbound } from './receipts/record-inbound.ts';
import { recordReceipt } from './receipts/record-receipt.ts';
import { createRedisDeliveryIndex } from './receipts/redis-delivery-index.ts';
import type { SmsRoute } from './sms-route.ts';
import type { SmsRouteConfig } from './sms-route-config.ts';

/** How long start-up waits for session-based SMS routes (SMPP) to bind. */
const SESSION_ROUTE_WAIT_MS = 5000;

export interface SmsInfra {
  /** Outside production, the console route also feeds the dev outbox (GET /v1/dev/outbox). */
  config: Pick<Config, 'smsRoutes' | 'publicUrl' | 'production'>;
  /** Where the console route prints (stdout by default). */
  print: ((text: string) => void) | undefined;
  logger: Logger;
  metrics: ServiceMetrics & SmsRouteMetrics;
  clock: Clock;
  stores: StoreChoice;
  audit: AuditTrail;
  auditQueries: AuditQueries;
  subjects: SubjectHmacs;
  /** The verifications a receipt updates (their delivery status). */
  codes: CodeStore;
  onClose(close: () => Promise<void>): void;
}

export interface SmsModule {
  /** The priority route: each message goes out through the first route that takes it. */
  route: SmsRoute;
  /** Provider message ids of sent codes, for delivery receipts. */
  deliveries: DeliveryIndex;
  /** What the receipt endpoints are given. */
  receipts: ReceiptDeps;
  outbox: DevOutbox | null;
  /** Replies from phones, for the modules that act on them (consent subscribes). */
  replies: InboundReplies;
  /** Closes every route: SMPP sessions unbind, so the SMSC stops routing receipts to this process. */
  close(): Promise<void>;
}

/** The SMS routes of SMS_ROUTES with their providers, and the receipts that come back. */
export async function wire(infra: SmsInfra): Promise<SmsModule> {
  const { logger, clock, metrics, config } = infra;
  const deliveries = infra.stores(
    (redis, keyPrefix) => createRedisDeliveryIndex({ redis, keyPrefix }),
    () => createMemoryDeliveryIndex(),
  );
  const replies = createInboundReplies();
  const inbound = {
    audit: infra.audit,
    subjects: infra.subjects,
    clock,
    queries: infra.auditQueries,
    replies,
    routeApps: new Map(
      config.smsRoutes.flatMap((r) => (r.inboundApp ? [[r.name, r.inboundApp] as const] : [])),
    ),
  };
  const recording = { codes: infra.codes, deliveries, audit: infra.audit, clock, metrics };
  const outbox = config.production ? null : createDevOutbox();
  const route = buildPriorityRoute(config.smsRoutes, {
    print: infra.print ?? ((text: string) => process.stdout.write(`${text}\n`)),
    outbox,
    logger,
    metrics,
    now: () => clock.now(),
    publicUrl: config.publicUrl,
    onInbound: (name, message) => {
      recordInbound(inbound, { route: name, ...message }).catch((error) =>
        logger.warn({ err: error, route: name }, 'inbound message not recorded'),
      );
    },
    // Receipts that arrive on a provider's own session (SMPP deliver_sm).
    onReceipt: (name, receipt) => {
      recordReceipt(recording, { route: name, ...receipt }).catch((error) =>
        logger.warn({ err: error, route: name }, 'delivery receipt not recorded'),
      );
    },
  });
  infra.onClose(() => route.close());
  // Session routes (SMPP) bind in the background; give them a moment so the first codes do not
  // all fail over, but never hold the start-up hostage to a provider.
  const down = await route.ready(SESSION_ROUTE_WAIT_MS);
  if (down.length > 0)
    logger.warn({ routes: down }, 'SMS routes not up yet; they keep reconnecting');
  return {
    route,
    deliveries,
    outbox,
    replies,
    close: () => route.close(),
    receipts: {
      ...recording,
      inbound,
      routes: receiptAuthentication(config.smsRoutes),
      publicUrl: config.publicUrl,
    },
  };
}

/**
 * Routes that accept HTTP receipts, with the secret their callback URL carries, and for Twilio
 * routes the auth token that signs Twilio's callbacks.
 */
function receiptAuthentication(routes: readonly SmsRouteConfig[]): ReceiptDeps['routes'] {
  return new Map(
    routes.flatMap((route) =>
      route.receiptSecret
        ? [
            [
              route.name,
              {
                provider: route.provider,
                secret: route.receiptSecret,
                ...(route.provider === 'twilio' ? { twilioAuthToken: route.authToken } : {}),
              },
            ] as const,
          ]
        : [],
    ),
  );
}
