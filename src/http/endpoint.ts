import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { App, AppEnv } from './app-env.ts';

/**
 * An OpenAPI operation: its definition, and its handler once the module's dependencies exist. The
 * definition alone builds the OpenAPI document (no database, no SMS route); `mount` serves it.
 */
export interface Endpoint<D> {
  readonly route: RouteConfig;
  mount(app: App, deps: D): void;
}

export function endpoint<R extends RouteConfig, D>(
  route: R,
  handler: (deps: D) => RouteHandler<R, AppEnv>,
): Endpoint<D> {
  return {
    route,
    // The handler is typed against `route` above; openapi()'s own generic signature cannot see
    // through the type parameter here.
    mount: (app, deps) => void app.openapi(route, handler(deps) as never),
  };
}

/** The endpoint's definition in the registry, as `app.openapi` puts it (without its middleware). */
export function describeEndpoint(app: App, { route }: Endpoint<unknown>): void {
  const { middleware: _middleware, hide, ...definition } = route;
  if (!hide) app.openAPIRegistry.registerPath(definition);
}
