import type { Registry } from 'prom-client';
import type { App } from '../http/app-env.ts';
import { problemResponse } from '../http/problem.ts';
import { constantTimeEqual } from '../kernel/crypto/hmac.ts';

/**
 * Prometheus text. Plain route (not in the OpenAPI document): it is for scrapers, not apps. With
 * a token (METRICS_TOKEN), a scraper must send it as a bearer token (Prometheus `authorization`).
 */
export function registerMetrics(app: App, registry: Registry, token: string | undefined): void {
  app.get('/metrics', async (c) => {
    if (token !== undefined) {
      const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!constantTimeEqual(given, token)) {
        return problemResponse(401, 'unauthorized', 'GET /metrics needs the metrics token.');
      }
    }
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
}
