import { readFileSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { type ServerType, serve as startServer } from '@hono/node-server';
import { ensureDevApiKey } from './access/index.ts';
import { createApp } from './app.ts';
import { type Config, loadConfig } from './config/config.ts';
import { describeStartupFailure, reasonOf, StartupError } from './config/startup-failure.ts';
import { answerClientError } from './http/client-error.ts';
import { drainable } from './http/drain.ts';
import { buildRuntime, type Runtime } from './infra.ts';
import { runShutdown, type ShutdownStep } from './kernel/shutdown.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';

/**
 * `tessera serve`: load config, build the runtime, listen, and shut down cleanly on a signal. A
 * start that fails prints one line (or the list of configuration mistakes) naming the variable at
 * fault on stderr, never a stack trace or a secret, and exits non-zero.
 */
export async function serveFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await serve(env);
  } catch (error) {
    process.stderr.write(`tessera: ${describeStartupFailure(error, env)}\n`);
    process.exitCode = 1;
  }
}

async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  // The config only lets this through with the opt-in; say it loudly on every start, where
  // alerting on error lines will see it.
  if (config.production && config.smsRoutes.some((route) => route.provider === 'console')) {
    logger.error(
      'SMS route "console" in production (TESSERA_ALLOW_CONSOLE_IN_PRODUCTION): every code and phone number it sends is printed to stdout in clear and reaches no phone',
    );
  }
  const runtime = await buildRuntime(config, { logger });
  try {
    const devKeyPath = await prepareDevKey(config, runtime);
    let stopping = false;
    // Once a shutdown starts, /readyz answers 503 so load balancers stop sending new requests.
    const readiness = {
      ...runtime.modules.readiness,
      serving: async () => {
        if (stopping) throw new Error('shutting down');
      },
    };
    const app = createApp({ ...runtime.modules, readiness });
    const server = await listen(app.fetch, config);
    logStartup(logger, config, runtime, `http://${config.host}:${server.port}`, devKeyPath);
    // Requests Node's parser refuses (oversize headers...) get problem+json too, not a bare line.
    server.server.on('clientError', answerClientError);
    // listen() starts a plain HTTP/1.1 server.
    const http = drainable(server.server as HttpServer);

    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const failed = await runShutdown(shutdownSteps(config, runtime, http), (outcome) =>
        outcome.error === undefined
          ? logger.info({ step: outcome.step, ms: outcome.ms }, 'shutdown step done')
          : logger.error(
              { step: outcome.step, ms: outcome.ms, err: outcome.error },
              'shutdown step failed',
            ),
      );
      logger.info({ failed }, 'stopped');
      process.exitCode = failed.length === 0 ? 0 : 1;
      // Everything is closed; a handle some library left open must not hold the pod until SIGKILL.
      setTimeout(() => process.exit(), 1000).unref();
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/**
 * The graceful shutdown (README, Graceful shutdown): /readyz already says 503; requests are still
 * served for SHUTDOWN_DELAY_MS while the load balancers notice, then the listener closes and
 * in-flight requests finish; then the runtime's own steps (SMS routes, the audit trail) and the
 * stores.
 */
function shutdownSteps(
  config: Config,
  runtime: Runtime,
  http: ReturnType<typeof drainable>,
): ShutdownStep[] {
  return [
    {
      name: 'announce not ready (SHUTDOWN_DELAY_MS)',
      run: () => new Promise((done) => setTimeout(done, config.shutdownDelayMs)),
    },
    {
      name: 'drain HTTP',
      run: async () => {
        const { cut } = await http.drain(config.drainTimeoutMs);
        if (cut) throw new Error('requests still running at DRAIN_TIMEOUT_MS were cut');
      },
    },
    ...runtime.shutdownSteps,
    { name: 'close stores', run: runtime.close },
  ];
}

/** Listens on HOST:PORT; an address in use or not on this machine names the variable at fault. */
function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  config: Config,
): Promise<{ server: ServerType; port: number }> {
  return new Promise((done, fail) => {
    const server = startServer({ fetch, port: config.port, hostname: config.host }, (info) => {
      server.off('error', refused);
      done({ server, port: info.port });
    });
    const refused = (error: NodeJS.ErrnoException) => {
      const where = `${config.host}:${config.port}`;
      fail(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new StartupError('PORT', `cannot listen on ${where} (${error.code})`)
          : new StartupError('HOST', `cannot listen on ${where} (${reasonOf(error)})`),
      );
    };
    server.once('error', refused);
  });
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
