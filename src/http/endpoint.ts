import type { RouteConfig as OperationDefinition, RouteHandler } from '@hono/zod-openapi';
import type { App, AppEnv } from './app-env.ts';
import { errorResponses } from './error-responses.ts';

/**
 * An HTTP endpoint (an OpenAPI operation): its definition, and its handler once the module's
 * dependencies exist. The definition alone builds the OpenAPI document (no database, no SMS
 * route); `mount` serves it. ("Route" is kept for SMS routes.)
 */
export interface Endpoint<D> {
  readonly definition: OperationDefinition;
  mount(app: App, deps: D): void;
}

export function endpoint<O extends OperationDefinition, D>(
  operation: O,
  handler: (deps: D) => RouteHandler<O, AppEnv>,
): Endpoint<D> {
  // Every body passes the size limit of http/request-limits.ts first, so each operation that
  // takes one declares its 413.
  const definition: O = operation.request?.body
    ? { ...operation, responses: { ...errorResponses(413), ...operation.responses } }
    : operation;
  return {
    definition,
    // The handler is typed against `definition` above; openapi()'s own generic signature cannot
    // see through the type parameter here.
    mount: (app, deps) => void app.openapi(definition, handler(deps) as never),
  };
}

/** The endpoint's definition in the registry, as `app.openapi` puts it (without its middleware). */
export function describeEndpoint(app: App, { definition }: Endpoint<unknown>): void {
  const { middleware: _middleware, hide, ...operation } = definition;
  if (!hide) app.openAPIRegistry.registerPath(operation);
}
