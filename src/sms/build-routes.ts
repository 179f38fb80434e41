import type { Logger } from '../telemetry/logger.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { DevOutbox } from './dev-outbox.ts';
import { createPriorityRoute, type RouteMetrics } from './priority-route.ts';
import type { SmsProvider } from './provider.ts';
import { createConsoleProvider } from './providers/console.ts';
import { createHttpJsonProvider } from './providers/http-json.ts';
import { createTwilioProvider } from './providers/twilio.ts';
import type { RouteConfig } from './route-config.ts';

export interface RouteBuildDeps {
  print: (text: string) => void;
  outbox: DevOutbox | null;
  logger: Logger;
  metrics: RouteMetrics;
  now: () => number;
}

/** The priority route from the configured routes, each with its provider and its own breaker. */
export function buildPriorityRoute(routes: readonly RouteConfig[], deps: RouteBuildDeps) {
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

function createProvider(route: RouteConfig, deps: RouteBuildDeps): SmsProvider {
  const logger = deps.logger.child({ route: route.name });
  switch (route.provider) {
    case 'console':
      return createConsoleProvider({
        routeName: route.name,
        print: deps.print,
        outbox: deps.outbox,
      });
    case 'twilio':
      return createTwilioProvider({
        accountSid: route.accountSid,
        authToken: route.authToken,
        ...(route.baseUrl ? { baseUrl: route.baseUrl } : {}),
        logger,
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
