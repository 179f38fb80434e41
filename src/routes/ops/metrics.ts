import type { Registry } from 'prom-client';
import type { App } from '../../http/app-env.ts';

/** Prometheus text. Plain route (not in the OpenAPI document): it is for scrapers, not apps. */
export function registerMetrics(app: App, registry: Registry): void {
  app.get('/metrics', async (c) =>
    c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }),
  );
}
