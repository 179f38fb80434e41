import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import type { AccessStore } from './access/index.ts';
import { authenticate } from './access/index.ts';
import type { AppEnv } from './http/app-env.ts';
import { clientAddress } from './http/client-address.ts';
import type { TrustPolicy } from './http/client-ip.ts';
import { createErrorHandler } from './http/error-handler.ts';
import { type ReadinessProbe, registerHealth } from './http/health.ts';
import { problemResponse } from './http/problem.ts';
import { validationHook } from './http/validation-hook.ts';
import type { RouteDeps } from './route-deps.ts';
import { type ReceiptDeps, registerDevOutbox, registerReceipts } from './sms/index.ts';
import type { Logger } from './telemetry/logger.ts';
import type { Metrics } from './telemetry/metrics.ts';
import { registerMetrics } from './telemetry/metrics-route.ts';
import {
  registerConfirmTotpFactor,
  registerDeleteTotpFactor,
  registerEnrolTotpFactor,
  registerListTotpFactors,
  registerVerifyTotp,
} from './totp/index.ts';
import {
  registerCancelVerification,
  registerCheckVerification,
  registerGetVerification,
  registerResendVerification,
  registerStartVerification,
} from './verification/index.ts';

export interface AppDeps extends RouteDeps {
  trustProxy: TrustPolicy;
  receipts: ReceiptDeps;
  logger: Logger;
  metrics: Metrics;
  access: AccessStore;
  readiness: ReadinessProbe;
  /** METRICS_TOKEN: the bearer token /metrics asks for; unset, /metrics is open. */
  metricsToken: string | undefined;
}

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Tessera',
    version: '1.0.0',
    description:
      'Self-hosted OTP / 2FA verification: send a one-time code by SMS and check it, or verify TOTP codes of authenticator apps. Errors are RFC 9457 problem+json with a stable `code`.',
  },
} as const;

/** The HTTP app over the given dependencies. No I/O happens here; infra.ts builds what it needs. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key created with `tessera keys create`.',
  });

  app.use(requestId());
  app.use(clientAddress(deps.trustProxy));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // The route pattern, not the path: ids stay out of metric labels and logs.
    const route = c.req.routePath;
    deps.metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    deps.logger.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      'request',
    );
  });
  app.onError(createErrorHandler(deps.logger));
  app.notFound(() => problemResponse(404, 'not_found', 'No such endpoint.'));

  registerHealth(app, deps.readiness);
  registerMetrics(app, deps.metrics.registry, deps.metricsToken);
  // Provider callbacks authenticate with their route's secret, not an API key.
  registerReceipts(app, deps.receipts);
  for (const path of ['/v1/verify', '/v1/verify/*', '/v1/totp/*', '/v1/dev/*'])
    app.use(path, authenticate(deps.access));
  registerStartVerification(app, deps);
  registerCheckVerification(app, deps);
  registerResendVerification(app, deps);
  registerGetVerification(app, deps);
  registerCancelVerification(app, deps);
  registerEnrolTotpFactor(app, deps);
  registerConfirmTotpFactor(app, deps);
  registerVerifyTotp(app, deps);
  registerListTotpFactors(app, deps);
  registerDeleteTotpFactor(app, deps);
  if (deps.outbox) registerDevOutbox(app, deps.outbox);

  app.doc31('/openapi.json', OPENAPI_INFO);
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  return app;
}
