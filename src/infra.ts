import * as access from './access/index.ts';
import type { AppModules } from './app.ts';
import * as audit from './audit/index.ts';
import type { Config } from './config/config.ts';
import { resolveSecretKey } from './config/dev-secret.ts';
import { connecting } from './config/startup-failure.ts';
import * as consent from './consent/index.ts';
import * as consolePages from './console/index.ts';
import { openConfiguredDatabase, redisEndpoint } from './db/connect.ts';
import { assertMigrated, migrateDatabase } from './db/database.ts';
import { chooseStores, openRedis } from './db/redis.ts';
import { openIdempotencyStore } from './http/idempotency/idempotent.ts';
import { type Clock, systemClock } from './kernel/clock.ts';
import { createClosers } from './kernel/closers.ts';
import { createArgon2CodeHasher } from './kernel/crypto/code-hasher.ts';
import { deriveKeys } from './kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from './kernel/crypto/phone-protector.ts';
import type { ShutdownStep } from './kernel/shutdown.ts';
import * as leads from './leads/index.ts';
import * as limits from './limits/index.ts';
import * as retention from './retention/index.ts';
import * as signatures from './signatures/index.ts';
import * as sms from './sms/index.ts';
import * as subjects from './subjects/index.ts';
import type { Logger } from './telemetry/logger.ts';
import { createMetrics } from './telemetry/metrics.ts';
import * as totp from './totp/index.ts';
import * as verification from './verification/index.ts';
import * as webhooks from './webhooks/index.ts';

export interface Runtime {
  modules: AppModules;
  /**
   * Webhook events: `publish` is what a module whose events have no audit row is given (in its
   * wire) to queue one; the dispatcher is the worker delivering them.
   */
  events: Pick<webhooks.WebhooksModule, 'publish' | 'dispatcher'>;
  /** What the start-up log reports. */
  describe: {
    codeStore: 'redis' | 'in-process';
    database: 'postgres' | 'pglite';
    dataDir: string | null;
    smsRoutes: string[];
    secretKey: 'config' | 'generated' | 'data-dir';
  };
  /** What a graceful shutdown does, in order, once HTTP is drained and before close(). */
  shutdownSteps: readonly ShutdownStep[];
  /** One pass of the retention job now (the timer runs it hourly; tests call it by hand). */
  runRetention(): Promise<retention.RetentionReport>;
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
  /**
   * False only for `npm run bench`'s comparison: numbers HMAC'd under the app's key as before
   * subject keys, which no erasure can make unlinkable (README, Subjects and erasure).
   */
  perSubjectKeys?: boolean;
  /** How often the retention job runs in this process (retention.RETENTION_INTERVAL_MS). */
  retentionIntervalMs?: number;
}

/**
 * The composition root: opens Postgres, Redis, the secrets, the clock and the audit trail, then
 * wires each module over them. With no DATABASE_URL and no REDIS_URL this is the embedded default
 * (PGlite + in-process stores).
 */
export async function buildRuntime(config: Config, options: BuildOptions): Promise<Runtime> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const secret = resolveSecretKey(config);
  const keys = deriveKeys(secret.key);
  const closers = createClosers();
  const onClose = closers.add;
  try {
    // Redis first: a wrong address fails the start before the migrations run.
    const target = config.redis;
    const redis = target
      ? await connecting('REDIS_URL', redisEndpoint(target), () =>
          openRedis(target, options.redisStartTimeoutMs),
        )
      : null;
    if (redis) onClose(async () => redis.disconnect());
    const database = await openConfiguredDatabase(config, {
      pgliteInMemory: options.pgliteInMemory ?? false,
    });
    onClose(() => database.close());
    await (config.migrateOnStart ? migrateDatabase : assertMigrated)(database);
    const stores = chooseStores(redis, config.redisKeyPrefix, onClose);
    const phones = createPhoneProtector(keys);
    const people = subjects.wire({
      database,
      clock,
      phones,
      keys,
      perSubjectKeys: options.perSubjectKeys,
    });
    const infra = {
      config,
      clock,
      logger,
      metrics: createMetrics(),
      database,
      redis,
      stores,
      keys,
      onClose,
      phones,
      subjects: people.hmacs,
      hasher: createArgon2CodeHasher(config.codeHashProfile, keys.codePepper),
      print: options.print,
    };
    const auditing = await audit.wire(infra);
    const withAudit = { ...infra, audit: auditing.trail, auditQueries: auditing.queries };
    const apps = await access.wire(infra);
    const codes = verification.openCodeStore(stores);
    // Fed by the audit trail (a trigger queues the events of its rows) and by `publish`.
    const events = webhooks.wire({
      ...infra,
      readVerification: (appId, id) => codes.get(appId, id),
    });
    const limiting = limits.wire(infra);
    const messaging = await sms.wire({ ...withAudit, codes });
    const verifying = verification.wire({
      ...withAudit,
      codes,
      limits: limiting,
      sms: messaging,
      idempotency: openIdempotencyStore(stores),
      refusalFloorMs: options.refusalFloorMs,
    });
    const consenting = consent.wire({ ...withAudit, sms: messaging });
    const leading = leads.wire({ ...withAudit, verification: verifying }, consenting.leadHooks);
    // What an erasure deletes, module by module.
    people.holders.add(leads.subjectData(leading));
    people.holders.add(consent.subjectData(consenting.deps));
    people.holders.add(limits.subjectData(limiting));
    const retaining = retention.wire(withAudit);
    retention.schedule(retaining, { logger, intervalMs: options.retentionIntervalMs, onClose });
    const modules: AppModules = {
      logger,
      metrics: infra.metrics,
      access: apps,
      outbox: messaging.outbox,
      trustProxy: config.trustProxy,
      metricsToken: config.metricsToken,
      readiness: { codes: () => codes.ping(), database: () => apps.ping() },
      receipts: messaging.receipts,
      verification: verifying,
      totp: totp.wire({ ...withAudit, limits: limiting }),
      audit: {
        ...auditing.search,
        clock,
        stats: auditing.stats,
        chain: auditing.chain,
        trail: auditing.trail,
        log: auditing.log,
      },
      auditLog: auditing.log,
      console: consolePages.wire({
        ...withAudit,
        access: apps,
        auditSearch: auditing.search,
        auditStats: auditing.stats,
        limiter: limiting.limiter,
      }),
      leads: leading,
      consent: consenting.deps,
      signatures: signatures.wire(
        { ...withAudit, log: auditing.log, verification: verifying },
        // signature.signed has a richer payload than its audit row: the document and the evidence.
        {
          onSigned: (signature, evidenceSha256) =>
            events.publish(signature.appId, 'signature.signed', {
              signature_id: signature.id,
              verification_id: signature.verificationId,
              signer_ref: signature.signerRef,
              phone_masked: signature.phoneMasked,
              document_id: signature.documentId,
              document_sha256: signature.documentSha256,
              signed_at: signature.signedAt?.toISOString() ?? null,
              evidence_sha256: evidenceSha256,
              status: 'signed',
            }),
        },
      ),
      webhooks: events.deps,
      subjects: people.erasure(auditing.trail),
    };
    return {
      modules,
      events: { publish: events.publish, dispatcher: events.dispatcher },
      describe: {
        codeStore: redis ? 'redis' : 'in-process',
        database: database.kind,
        dataDir: config.databaseUrl && config.redis && config.secretKey ? null : config.dataDir,
        smsRoutes: config.smsRoutes.map((route) => `${route.name} (${route.provider})`),
        secretKey: secret.source,
      },
      // Routes first, so no receipt arrives once the trail is flushed; the trail last, as every
      // step before it may still write to it.
      shutdownSteps: [
        { name: 'close SMS routes (unbind SMPP)', run: messaging.close },
        // The queue is Postgres itself: stopping the worker lets its round in flight record its
        // attempts; what is still due is sent by the next process (at least once).
        { name: 'stop webhook worker', run: () => events.dispatcher.close() },
        {
          name: 'flush audit trail',
          run: async () => {
            const left = await auditing.flush();
            if (left > 0)
              throw new Error(`${left} audit rows stay in AUDIT_SPOOL_DIR for the next start`);
          },
        },
      ],
      runRetention: () => retention.runRetention(retaining),
      close: closers.closeAll,
    };
  } catch (error) {
    await closers.closeAll();
    throw error;
  }
}
