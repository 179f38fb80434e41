import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { ensureDevApiKey } from './access/index.ts';
import { createApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config/config.ts';
import { answerClientError } from './http/client-error.ts';
import { buildRuntime, type Runtime } from './infra.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';

/** `tessera serve`: load config, build the runtime, listen, and shut down cleanly on a signal. */
export async function serveFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`tessera: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  // The config only lets this through with the opt-in; say it loudly on every start, where
  // alerting on error lines will see it.
  if (config.production && config.smsRoutes.some((route) => route.provider === 'console')) {
    logger.error(
      'SMS route "console" in production (TESSERA_ALLOW_CONSOLE_IN_PRODUCTION): every code and phone number it sends is printed to stdout in clear and reaches no phone',
    );
  }
  const runtime = await buildRuntime(config, { logger });
  const devKeyPath = await prepareDevKey(config, runtime);
  const app = createApp(runtime.modules);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logStartup(logger, config, runtime, `http://${config.host}:${info.port}`, devKeyPath);
  });
  // Requests Node's parser refuses (oversize headers...) get problem+json too, not a bare line.
  server.on('clientError', answerClientError);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      runtime.close().finally(() => logger.info('stopped'));
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Outside production on the embedded database, make sure DATA_DIR/dev-api-key holds a working key. */
async function prepareDevKey(config: Config, runtime: Runtime): Promise<string | null> {
  if (config.production || config.databaseUrl) return null;
  const path = join(config.dataDir, 'dev-api-key');
  await ensureDevApiKey({
    store: runtime.modules.access,
    read: () => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    write: (key) => writeFileSync(path, `${key}\n`, { mode: 0o600 }),
  });
  return path;
}

function logStartup(
  logger: Logger,
  config: Config,
  runtime: Runtime,
  url: string,
  devKeyPath: string | null,
): void {
  const d = runtime.describe;
  const embedded = d.codeStore === 'in-process' || d.database === 'pglite';
  logger.info(
    {
      url,
      codeStore: d.codeStore,
      database: d.database,
      smsRoutes: d.smsRoutes,
      dataDir: d.dataDir,
      secretKeySource: d.secretKey,
      hashProfile: config.codeHashProfileName,
      threadpool: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    },
    embedded
      ? `Tessera listening on ${url} — embedded default: ${d.database === 'pglite' ? `PGlite under ${config.dataDir}/pglite` : 'Postgres'}, ${d.codeStore === 'in-process' ? 'in-process code store' : 'Redis'} (not for production)`
      : `Tessera listening on ${url} — Redis and Postgres`,
  );
  if (devKeyPath) {
    logger.info(
      `API key for the "default" app is in ${devKeyPath}; more with: npx tessera keys create --app NAME --scopes verify (stop the server first on the embedded database)`,
    );
  }
  if (config.smsRoutes.some((route) => route.provider === 'console')) {
    logger.warn('SMS route "console": messages are printed to stdout, not sent to phones');
  }
}
