import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { type AccessStore, authenticate } from './access/index.ts';
import {
  type AuditEndpointDeps,
  type AuditLog,
  auditEndpoints,
  auditLogEndpoints,
} from './audit/index.ts';
import { type ConsentDeps, consentEndpoints } from './consent/index.ts';
import { type ConsoleDeps, consoleRoutes } from './console/index.ts';
import type { App, AppEnv } from './http/app-env.ts';
import { clientAddress } from './http/client-address.ts';
import type { TrustPolicy } from './http/client-ip.ts';
import { docsRoutes } from './http/docs.ts';
import { describeEndpoint, type Endpoint } from './http/endpoint.ts';
import { createErrorHandler } from './http/error-handler.ts';
import { healthEndpoints, type ReadinessProbe } from './http/health.ts';
import { problemResponse } from './http/problem.ts';
import { requestLimits } from './http/request-limits.ts';
import { validationHook } from './http/validation-hook.ts';
import { type LeadsDeps, leadEndpoints } from './leads/index.ts';
import { type SignaturesDeps, signatureEndpoints } from './signatures/index.ts';
import {
  type DevOutbox,
  devOutboxEndpoint,
  type ReceiptDeps,
  receiptEndpoints,
} from './sms/index.ts';
import { type SubjectsDeps, subjectEndpoints } from './subjects/index.ts';
import type { Logger } from './telemetry/logger.ts';
import type { Metrics } from './telemetry/metrics.ts';
import { registerMetrics } from './telemetry/metrics-endpoint.ts';
import { type TotpDeps, totpEndpoints } from './totp/index.ts';
import {
  TWILIO_PATHS,
  twilioErrors,
  twilioMiddleware,
  twilioVerifyEndpoints,
} from './twilio-compat/index.ts';
import { type VerificationEndpointDeps, verificationEndpoints } from './verification/index.ts';
import { type WebhooksDeps, webhookEndpoints } from './webhooks/index.ts';

/** What the HTTP app serves, each module as its wire() built it. */
export interface AppModules {
  trustProxy: TrustPolicy;
  logger: Logger;
  metrics: Metrics;
  /** METRICS_TOKEN: the bearer token /metrics asks for; unset, /metrics is open. */
  metricsToken: string | undefined;
  readiness: ReadinessProbe;
  access: AccessStore;
  receipts: ReceiptDeps;
  verification: VerificationEndpointDeps;
  totp: TotpDeps;
  audit: AuditEndpointDeps;
  /** Each app's Merkle log: checkpoints and proofs. */
  auditLog: AuditLog;
  leads: LeadsDeps;
  consent: ConsentDeps;
  signatures: SignaturesDeps;
  /** Webhook endpoints and their delivery log (README, Events (webhooks)). */
  webhooks: WebhooksDeps;
  /** Erasure of a person's data (README, Subjects and erasure). */
  subjects: SubjectsDeps;
  /** The dev outbox, outside production only. */
  outbox: DevOutbox | null;
  /** The security console at /console (README, Console). */
  console: ConsoleDeps;
}

export const OPENAPI_INFO: Parameters<App['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'Tessera',
    version: '1.0.0',
    description:
      'Self-hosted OTP / 2FA verification: send a one-time code by SMS and check it, or verify TOTP codes of authenticator apps. Errors are RFC 9457 problem+json with a stable `code`.',
  },
  // Relative: it resolves against wherever the document was fetched from, so /docs and generated
  // clients aim at this Tessera behind any proxy or host name, and the committed file stays the same.
  servers: [{ url: '/', description: 'The Tessera that serves this document' }],
};

/** Paths that take an API key; provider callbacks and operations do not. */
const AUTHENTICATED_PATHS = [
  '/v1/verify',
  '/v1/verify/*',
  '/v1/totp/*',
  '/v1/audit/*',
  '/v1/leads',
  '/v1/leads/*',
  '/v1/consents',
  '/v1/consents/*',
  '/v1/signatures',
  '/v1/signatures/*',
  '/v1/webhooks',
  '/v1/webhooks/*',
  '/v1/subjects/*',
  '/v1/dev/*',
];

/** The HTTP app over the wired modules. No I/O happens here; infra.ts builds what it needs. */
export function createApp(modules: AppModules) {
  const app = emptyApp();
  app.use(requestId());
  app.use(clientAddress(modules.trustProxy));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // The route pattern, not the path: ids stay out of metric labels and logs.
    const route = c.req.routePath;
    modules.metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    modules.logger.info(
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
  // Outside the request limits, so that even their refusals (413) leave /v2 in Twilio's shape.
  app.use(TWILIO_PATHS, twilioErrors());
  app.use(requestLimits());
  app.onError(createErrorHandler(modules.logger));
  app.notFound(() => problemResponse(404, 'not_found', 'No such endpoint.'));

  addEndpoints(app, modules);
  // HTML pages with their own session and CSRF rules, not API operations: not in the document.
  app.route('/console', consoleRoutes(modules.console));
  app.doc31('/openapi.json', OPENAPI_INFO);
  app.route('/docs', docsRoutes());
  return app;
}

/**
 * The OpenAPI document from the endpoints' definitions alone: no database, Redis or SMS route is
 * opened (npm run openapi).
 */
export function describeApi(): unknown {
  const app = emptyApp();
  addEndpoints(app, null);
  return app.getOpenAPI31Document(OPENAPI_INFO);
}

/**
 * Every endpoint, in one order for the served app and its document: mounted over the modules, or
 * only described when there are none.
 */
function addEndpoints(app: App, modules: AppModules | null): void {
  const place = <D>(endpoints: readonly Endpoint<D>[], deps: D | undefined) => {
    for (const endpoint of endpoints) {
      if (deps === undefined) describeEndpoint(app, endpoint);
      else endpoint.mount(app, deps);
    }
  };
  place(healthEndpoints, modules?.readiness);
  if (modules) registerMetrics(app, modules.metrics.registry, modules.metricsToken);
  // Provider callbacks authenticate with their route's secret, not an API key.
  place(receiptEndpoints, modules?.receipts);
  if (modules) for (const path of AUTHENTICATED_PATHS) app.use(path, authenticate(modules.access));
  place(verificationEndpoints, modules?.verification);
  place(totpEndpoints, modules?.totp);
  place(auditEndpoints, modules?.audit);
  place(auditLogEndpoints, modules?.auditLog);
  place(leadEndpoints, modules?.leads);
  place(consentEndpoints, modules?.consent);
  place(signatureEndpoints, modules?.signatures);
  // Twilio Verify's shape over the same verbs: its own authentication and error body.
  if (modules) app.use(TWILIO_PATHS, ...twilioMiddleware(modules.access));
  place(twilioVerifyEndpoints, modules?.verification);
  place(webhookEndpoints, modules?.webhooks);
  place(subjectEndpoints, modules?.subjects);
  // The dev outbox exists outside production only; the document always lists it.
  if (!modules || modules.outbox) place([devOutboxEndpoint], modules?.outbox ?? undefined);
}

function emptyApp(): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key created with `tessera keys create`.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'twilioBasic', {
    type: 'http',
    scheme: 'basic',
    description:
      'For the Twilio Verify surface: any user name (Twilio SDKs send an `AC…` account sid) and an API key as the password.',
  });
  return app;
}
