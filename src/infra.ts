import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { cachePrincipals, createPostgresAccessStore, ensureBootstrapKey } from './access/index.ts';
import type { AppDeps } from './app.ts';
import type { AuditWriter } from './audit/index.ts';
import {
  createAuditTrail,
  createPostgresAuditQueries,
  createPostgresAuditWriter,
  createSpoolFile,
} from './audit/index.ts';
import type { Config } from './config/config.ts';
import { loadOrCreateDevSecret } from './config/dev-secret.ts';
import { migrateDatabase, openDatabase } from './db/database.ts';
import { createMemoryIdempotencyStore } from './http/idempotency/memory-idempotency-store.ts';
import { createRedisIdempotencyStore } from './http/idempotency/redis-idempotency-store.ts';
import type { IdempotencyStore } from './http/idempotency/store.ts';
import { guardAvailability, isPostgresOutage, isRedisOutage } from './kernel/availability.ts';
import type { Clock } from './kernel/clock.ts';
import { createArgon2CodeHasher } from './kernel/crypto/code-hasher.ts';
import { deriveKeys } from './kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from './kernel/crypto/phone-protector.ts';
import type { Limiter, TrafficCounters } from './limits/index.ts';
import {
  createMemoryTrafficCounters,
  createRateLimiter,
  createRedisTrafficCounters,
} from './limits/index.ts';
import type { DeliveryIndex } from './sms/index.ts';
import {
  buildPriorityRoute,
  createDevOutbox,
  createMemoryDeliveryIndex,
  createRedisDeliveryIndex,
  recordInbound,
  recordReceipt,
} from './sms/index.ts';
import type { Logger } from './telemetry/logger.ts';
import { createMetrics } from './telemetry/metrics.ts';
import { createPostgresTotpStore } from './totp/index.ts';
import type { CodeStore } from './verification/index.ts';
import {
  createMemoryCodeStore,
  createRedisCodeStore,
  VERIFICATION_POLICY,
} from './verification/index.ts';

export interface Runtime {
  deps: AppDeps;
  /** Commits audit rows at once, for work done outside a request (the dev key at start-up). */
  auditWriter: AuditWriter;
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
  /** Minimum answer time of refusals that could reveal something about a number. */
  refusalFloorMs?: number;
  /** How long start-up waits for Redis (or for Sentinel to name its master); default 10 s. */
  redisStartTimeoutMs?: number;
}

/** How long an API key lookup is cached; a key revoked by another process stops working within this. */
const PRINCIPAL_CACHE_MS = 10_000;

/** How long start-up waits for session-based SMS routes (SMPP) to bind. */
const SESSION_ROUTE_WAIT_MS = 5000;

/** How long start-up waits for Redis: a wrong address or master name fails the start, clearly. */
const REDIS_START_TIMEOUT_MS = 10_000;

/** Default floor for refusals on the send path (see http/refusal-floor.ts). */
const REFUSAL_FLOOR_MS = 100;

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
    const access = cachePrincipals(
      guardAvailability(createPostgresAccessStore(database), 'postgres', isPostgresOutage),
      { ttlMs: PRINCIPAL_CACHE_MS, maxEntries: 10_000 },
    );
    const metrics = createMetrics();
    const writer = createPostgresAuditWriter(database, {
      onBatch: (events, waits) => metrics.auditCommitted(events, waits),
    });
    // Closed after the trail below (closers run in reverse), which may still hand it rows.
    closers.push(() => writer.close());
    const auditWriter = guardAvailability(writer, 'postgres', isPostgresOutage);
    if (config.bootstrapApiKey)
      await ensureBootstrapKey({ store: access, key: config.bootstrapApiKey });

    const spoolFile = createSpoolFile(config.auditSpoolDir);
    const { events: recovered, unreadable } = await spoolFile.recover().catch((error: Error) => {
      throw new Error(
        `the audit spool directory ${config.auditSpoolDir} (AUDIT_SPOOL_DIR) is not usable: ${error.message}`,
        { cause: error },
      );
    });
    if (unreadable.length > 0) {
      options.logger.error(
        { files: unreadable },
        'audit spool files that cannot be read were set aside: their rows are not in the trail',
      );
    }
    if (recovered.length > 0) {
      options.logger.warn(
        { events: recovered.length },
        'audit rows left in the spool by an earlier process: committing them',
      );
    }
    const audit = createAuditTrail(auditWriter, {
      file: spoolFile,
      recovered,
      onSpooled: (pending) => metrics.auditSpooled(pending),
      onError: (error) =>
        options.logger.warn({ err: error }, 'audit rows spooled: Postgres refused them'),
    });
    closers.push(() => audit.close());

    const redis = await openRedis(config, options.redisStartTimeoutMs ?? REDIS_START_TIMEOUT_MS);
    if (redis) closers.push(async () => redis.disconnect());
    /**
     * One store, on Redis when there is one (guarded so an outage is a 503), else the embedded
     * in-process one (closed with the runtime).
     */
    const pick = <T extends object>(
      onRedis: (redis: Redis) => T,
      inProcess: () => T & { close(): unknown },
    ): T => {
      if (redis) return guardAvailability(onRedis(redis), 'redis', isRedisOutage);
      const store = inProcess();
      closers.push(async () => {
        await store.close();
      });
      return store;
    };
    const keyPrefix = config.redisKeyPrefix;
    const retentionMs = VERIFICATION_POLICY.retentionMs;
    const codes: CodeStore = pick(
      (client) => createRedisCodeStore({ redis: client, keyPrefix, retentionMs }),
      () => createMemoryCodeStore({ retentionMs }),
    );
    const limiter: Limiter = guardAvailability(
      createRateLimiter({ redis, keyPrefix }),
      'redis',
      isRedisOutage,
    );
    const traffic: TrafficCounters = pick(
      (client) => createRedisTrafficCounters({ redis: client, keyPrefix }),
      () => createMemoryTrafficCounters(),
    );
    const idempotency: IdempotencyStore = pick(
      (client) => createRedisIdempotencyStore({ redis: client, keyPrefix }),
      () => createMemoryIdempotencyStore(),
    );
    const deliveries: DeliveryIndex = pick(
      (client) => createRedisDeliveryIndex({ redis: client, keyPrefix }),
      () => createMemoryDeliveryIndex(),
    );

    const outbox = config.production ? null : createDevOutbox();
    const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
    const phones = createPhoneProtector(keys);
    const inbound = { audit, phones, clock, queries: createPostgresAuditQueries(database) };
    const receipts = { codes, deliveries, audit, clock, metrics, inbound };
    const sms = buildPriorityRoute(config.smsRoutes, {
      print,
      outbox,
      logger: options.logger,
      metrics,
      now: () => clock.now(),
      publicUrl: config.publicUrl,
      onInbound: (route, message) => {
        recordInbound(inbound, { route, ...message }).catch((error) =>
          options.logger.warn({ err: error, route }, 'inbound message not recorded'),
        );
      },
      // Receipts that arrive on a provider's own session (SMPP deliver_sm).
      onReceipt: (route, receipt) => {
        recordReceipt(receipts, { route, ...receipt }).catch((error) =>
          options.logger.warn({ err: error, route }, 'delivery receipt not recorded'),
        );
      },
    });
    closers.push(() => sms.close());
    // Session routes (SMPP) bind in the background; give them a moment so the first codes do not
    // all fail over, but never hold the start-up hostage to a provider.
    const down = await sms.ready(SESSION_ROUTE_WAIT_MS);
    if (down.length > 0)
      options.logger.warn({ routes: down }, 'SMS routes not up yet; they keep reconnecting');

    const hasher = createArgon2CodeHasher(config.codeHashProfile, keys.codePepper);
    const deps: AppDeps = {
      clock,
      logger: options.logger,
      metrics,
      access,
      outbox,
      trustProxy: config.trustProxy,
      idempotency,
      fingerprintKey: keys.requestFingerprintKey,
      refusalFloorMs: options.refusalFloorMs ?? REFUSAL_FLOOR_MS,
      receipts: {
        ...receipts,
        routes: new Map(
          config.smsRoutes.flatMap((route) =>
            route.receiptSecret
              ? [
                  [
                    route.name,
                    {
                      provider: route.provider,
                      secret: route.receiptSecret,
                      ...(route.provider === 'twilio' ? { twilioAuthToken: route.authToken } : {}),
                    },
                  ] as const,
                ]
              : [],
          ),
        ),
        publicUrl: config.publicUrl,
      },
      readiness: { codes: () => codes.ping(), database: () => access.ping() },
      metricsToken: config.metricsToken,
      verification: {
        clock,
        codes,
        hasher,
        phones,
        sms,
        limiter,
        deliveries,
        traffic,
        audit,
        metrics,
        defaults: { brand: config.smsBrand, webOtpDomain: config.webOtpDomain },
        operatorCountries: config.allowedCountries,
      },
      totp: {
        clock,
        store: guardAvailability(createPostgresTotpStore(database), 'postgres', isPostgresOutage),
        hasher,
        phones,
        limiter,
        audit,
        metrics,
        secretKey: keys.totpKey,
      },
    };
    return {
      deps,
      auditWriter,
      describe: {
        codeStore: config.redis ? 'redis' : 'in-process',
        database: database.kind,
        dataDir: config.databaseUrl && config.redis && config.secretKey ? null : config.dataDir,
        smsRoutes: config.smsRoutes.map((route) => `${route.name} (${route.provider})`),
        secretKey: secret.source,
      },
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function openRedis(config: Config, startTimeoutMs: number): Promise<Redis | null> {
  const target = config.redis;
  if (!target) return null;
  // No offline queue and one retry: while Redis is down a request fails at once with a 503
  // instead of waiting, and nothing is sent. Auto-pipelining sends the commands issued in one tick
  // (a request's limits, many requests' scripts under load) in one write: on a loaded 2-core
  // machine each socket write costs more than the Redis command it carries.
  const options: RedisOptions = {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
  };
  const redis =
    target.kind === 'single'
      ? new Redis(target.url, options)
      : // Sentinel names the master; after a failover ioredis asks again and reconnects to the new one.
        new Redis({
          ...options,
          sentinels: target.sentinels,
          name: target.name,
          db: target.db,
          ...(target.username ? { username: target.username } : {}),
          ...(target.password ? { password: target.password } : {}),
          ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        });
  redis.on('error', () => {}); // reported through readiness and 503s; avoids an unhandled 'error'
  // Once up, ioredis reconnects (and asks Sentinel again) for ever; at start, an unreachable Redis
  // or a master no sentinel knows would otherwise keep the start waiting without a word.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      const where =
        target.kind === 'single'
          ? 'Redis (REDIS_URL)'
          : `a Redis master "${target.name}" through the sentinels ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`;
      fail(new Error(`could not reach ${where} within ${startTimeoutMs / 1000} s`));
    }, startTimeoutMs);
  });
  try {
    await Promise.race([redis.connect(), late]);
  } catch (error) {
    redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => {});
}
