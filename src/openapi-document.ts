import { describeApi } from './app.ts';

/** The OpenAPI document as the endpoints declare it. */
export function buildOpenApiDocument(): unknown {
  return describeApi();
}

export function serializeOpenApi(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
