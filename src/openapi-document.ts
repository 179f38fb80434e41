import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, OPENAPI_INFO } from './app.ts';
import { loadConfig } from './config/config.ts';
import { buildRuntime } from './infra.ts';
import { createLogger } from './telemetry/logger.ts';

/** The OpenAPI document as the routes declare it, from an app built on throwaway embedded stores. */
export async function buildOpenApiDocument(): Promise<unknown> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-openapi-'));
  const runtime = await buildRuntime(loadConfig({ DATA_DIR: dataDir }), {
    logger: createLogger('silent'),
    pgliteInMemory: true,
  });
  try {
    return createApp(runtime.deps).getOpenAPI31Document(OPENAPI_INFO);
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function serializeOpenApi(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
