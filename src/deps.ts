import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { AppDeps } from './app.ts';
import type { Config } from './config/config.ts';
import { loadOrCreateDevSecret } from './config/dev-secret.ts';
import { createArgon2CodeHasher } from './crypto/code-hasher.ts';
import { deriveKeys } from './crypto/derive-keys.ts';
import { createPhoneProtector } from './crypto/phone-protector.ts';
import { VERIFICATION_POLICY } from './domain/verification.ts';
import { ensureBootstrapKey } from './services/manage-api-keys.ts';
import type { Clock, CodeStore } from './services/ports.ts';
import { createConsoleRoute } from './sms/console-route.ts';
import { createDevOutbox } from './sms/dev-outbox.ts';
import { createMemoryCodeStore } from './stores/memory/memory-code-store.ts';
import { createPostgresAccessStore } from './stores/postgres/access-store.ts';
import { migrateDatabase, openDatabase } from './stores/postgres/database.ts';
import { createRedisCodeStore } from './stores/redis/redis-code-store.ts';
import { guardAvailability, isPostgresOutage, isRedisOutage } from './stores/unavailable.ts';
import type { Logger } from './telemetry/logger.ts';
import { createMetrics } from './telemetry/metrics.ts';

export interface Runtime {
  deps: AppDeps;
  /** What the start-up log reports. */
  describe: {
    codeStore: 'redis' | 'in-process';
    database: 'postgres' | 'pglite';
    dataDir: string | null;
    smsRoutes: string[];
    secretKey: 'config' | 'generated' | 'data-dir';
  };
  close(): Promise<void>;
}

export interface BuildOptions {
  logger: Logger;
  clock?: Clock;
  /** Where the console route prints (stdout by default). */
  print?: (text: string) => void;
  /** Embedded default only: PGlite in memory instead of under DATA_DIR (tests). */
  pgliteInMemory?: boolean;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * The composition root: the one place that picks real or embedded implementations. With no
 * DATABASE_URL and no REDIS_URL this is the embedded default (PGlite + in-process code store).
 */
export async function buildRuntime(config: Config, options: BuildOptions): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const secret = config.secretKey
    ? { key: config.secretKey, source: 'config' as const }
    : (() => {
        const dev = loadOrCreateDevSecret(config.dataDir);
        return {
          key: dev.key,
          source: dev.created ? ('generated' as const) : ('data-dir' as const),
        };
      })();
  const keys = deriveKeys(secret.key);

  const closers: (() => Promise<void>)[] = [];
  try {
    const database = await openDatabase(
      config.databaseUrl
        ? { url: config.databaseUrl }
        : { pgliteDir: options.pgliteInMemory ? null : join(config.dataDir, 'pglite') },
    );
    closers.push(() => database.close());
    await migrateDatabase(database);
    const access = guardAvailability(
      createPostgresAccessStore(database),
      'postgres',
      isPostgresOutage,
    );
    if (config.bootstrapApiKey)
      await ensureBootstrapKey({ store: access, key: config.bootstrapApiKey });

    const codes = await openCodeStore(config);
    closers.push(() => codes.close());

    const metrics = createMetrics();
    const outbox = config.production ? null : createDevOutbox();
    const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
    const sms = createConsoleRoute({ print, outbox });

    const deps: AppDeps = {
      clock,
      logger: options.logger,
      metrics,
      access,
      outbox,
      readiness: { codes: () => codes.ping(), database: () => access.ping() },
      verification: {
        clock,
        codes,
        hasher: createArgon2CodeHasher(config.codeHashProfile, keys.codePepper),
        phones: createPhoneProtector(keys),
        sms,
        metrics,
        defaults: { brand: config.smsBrand, webOtpDomain: config.webOtpDomain },
      },
    };
    return {
      deps,
      describe: {
        codeStore: config.redisUrl ? 'redis' : 'in-process',
        database: database.kind,
        dataDir: config.databaseUrl && config.redisUrl && config.secretKey ? null : config.dataDir,
        smsRoutes: [sms.name],
        secretKey: secret.source,
      },
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function openCodeStore(config: Config): Promise<CodeStore> {
  if (!config.redisUrl)
    return createMemoryCodeStore({ retentionMs: VERIFICATION_POLICY.retentionMs });
  // No offline queue and one retry: while Redis is down a request fails at once with a 503
  // instead of waiting, and nothing is sent.
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
  });
  redis.on('error', () => {}); // reported through readiness and 503s; avoids an unhandled 'error'
  await redis.connect();
  const store = createRedisCodeStore({
    redis,
    keyPrefix: config.redisKeyPrefix,
    retentionMs: VERIFICATION_POLICY.retentionMs,
  });
  return guardAvailability(store, 'redis', isRedisOutage);
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => {});
}
