import type { Logger } from '../telemetry/logger.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { DevOutbox } from './dev-outbox.ts';
import { createPriorityRoute, type SmsRouteMetrics } from './priority-route.ts';
import type { SmsProvider } from './provider.ts';
import { createConsoleProvider } from './providers/console/console.ts';
import { createHttpJsonProvider } from './providers/http-json/http-json.ts';
import { createKannelProvider } from './providers/kannel/kannel.ts';
import { createSmppProvider } from './providers/smpp/smpp.ts';
import { createTwilioProvider } from './providers/twilio/twilio.ts';
import { receiptCallbackUrl } from './receipts/receipt-url.ts';
import type { SmsRouteConfig } from './sms-route-config.ts';

export interface SmsRouteBuildDeps {
  print: (text: string) => void;
  outbox: DevOutbox | null;
  logger: Logger;
  metrics: SmsRouteMetrics;
  now: () => number;
  /** Where providers call back with receipts (PUBLIC_URL); unset: no HTTP callbacks are asked for. */
  publicUrl: string | undefined;
  /** Mobile-originated messages (a "STOP" reply) that arrive on a provider's own session. */
  onInbound: (route: string, message: { from: string; text: string }) => void;
  onReceipt: (
    route: string,
    receipt: {
      providerMessageId: string;
      status: 'delivered' | 'undelivered' | 'failed' | 'sent' | 'queued';
    },
  ) => void;
}

/** The priority route from the configured routes, each with its provider and its own breaker. */
export function buildPriorityRoute(routes: readonly SmsRouteConfig[], deps: SmsRouteBuildDeps) {
  return createPriorityRoute(
    routes.map((route) => ({
      name: route.name,
      provider: createProvider(route, deps),
      senderId: route.senderId,
      countries: route.countries === '*' ? null : new Set(route.countries),
      timeoutMs: route.timeoutMs,
      concurrency: route.concurrency,
      breaker: new CircuitBreaker(route.breaker),
    })),
    { now: deps.now, metrics: deps.metrics },
  );
}

function createProvider(route: SmsRouteConfig, deps: SmsRouteBuildDeps): SmsProvider {
  const logger = deps.logger.child({ route: route.name });
  switch (route.provider) {
    case 'console':
      return createConsoleProvider({
        routeName: route.name,
        print: deps.print,
        outbox: deps.outbox,
      });
    case 'twilio': {
      const callback = receiptCallbackUrl(deps.publicUrl, route);
      return createTwilioProvider({
        accountSid: route.accountSid,
        authToken: route.authToken,
        ...(route.baseUrl ? { baseUrl: route.baseUrl } : {}),
        ...(callback ? { statusCallbackUrl: callback } : {}),
        logger,
      });
    }
    case 'kannel': {
      const dlrUrl = receiptCallbackUrl(deps.publicUrl, route);
      return createKannelProvider({
        url: route.url,
        username: route.username,
        password: route.password,
        ...(route.smsc ? { smsc: route.smsc } : {}),
        ...(dlrUrl ? { dlrUrl } : {}),
        logger,
      });
    }
    case 'smpp':
      return createSmppProvider({
        host: route.host,
        port: route.port,
        systemId: route.systemId,
        password: route.password,
        ...(route.systemType ? { systemType: route.systemType } : {}),
        logger,
        onInbound: ({ from, text }) => deps.onInbound(route.name, { from, text }),
        onReceipt: ({ providerMessageId, status }) =>
          deps.onReceipt(route.name, {
            providerMessageId,
            // `accepted` is an intermediate state: the message is with the carrier.
            status: status === 'accepted' ? 'sent' : status,
          }),
      });
    case 'http':
      return createHttpJsonProvider({
        url: route.url,
        method: route.method,
        headers: route.headers,
        body: route.body,
        ...(route.messageIdPath ? { messageIdPath: route.messageIdPath } : {}),
        logger,
      });
  }
}
