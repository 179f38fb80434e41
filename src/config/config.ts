import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustPolicy } from '../http/client-ip.ts';
import type { HashProfile, HashProfileName } from '../kernel/crypto/hash-profiles.ts';
import { parseSmsRoutes, type SmsRouteConfig } from '../sms/index.ts';
import type { RedisTarget } from './redis-target.ts';
import { envSchema } from './schema.ts';

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  /** REDIS_URL read: one Redis, or a master found through Sentinel. */
  readonly redis: RedisTarget | undefined;
  readonly redisKeyPrefix: string;
  readonly dataDir: string;
  /** Where audit rows Postgres refused wait on disk (AUDIT_SPOOL_DIR, else DATA_DIR/audit-spool). */
  readonly auditSpoolDir: string;
  /** The Merkle log's checkpoints (README, The audit trail). */
  readonly auditLog: {
    /** AUDIT_SIGNING_KEY: an Ed25519 seed; undefined, one is derived from SECRET_KEY. */
    readonly signingKey: Buffer | undefined;
    /** Key name and origin prefix: AUDIT_LOG_NAME, else `tessera.<PUBLIC_URL host>`. */
    readonly name: string;
    readonly checkpointFile: string | undefined;
    readonly witnessUrl: string | undefined;
  };
  /** Undefined only outside production, where a generated key is kept in DATA_DIR. */
  readonly secretKey: Buffer | undefined;
  readonly bootstrapApiKey: string | undefined;
  readonly trustProxy: TrustPolicy;
  /** Countries SMS may go to (ALLOWED_COUNTRIES); null = every country. */
  readonly allowedCountries: ReadonlySet<string> | null;
  /** SMS routes in priority order. */
  readonly smsRoutes: readonly SmsRouteConfig[];
  /** Tessera's public base URL, for provider callbacks (delivery receipts). */
  readonly publicUrl: string | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  readonly smsBrand: string;
  readonly webOtpDomain: string | undefined;
  readonly codeHashProfileName: HashProfileName;
  readonly codeHashProfile: HashProfile;
  readonly logLevel: string;
  /** After SIGTERM: /readyz answers 503 this long while requests are still served. */
  readonly shutdownDelayMs: number;
  /** Then in-flight requests get this long to finish before their connections are cut. */
  readonly drainTimeoutMs: number;
  /** Which addresses webhook deliveries may reach besides public unicast ones over https. */
  readonly webhooks: { readonly allowLoopback: boolean; readonly allowPrivate: boolean };
  /** Apply migrations at start (MIGRATE_ON_START), else only check that none is missing. */
  readonly migrateOnStart: boolean;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * SMS_ROUTES_FILE: the routes' JSON read from a file (a mounted secret, say) instead of the
 * environment; the same checks apply, under the file's name.
 */
function withRoutesFile(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const file = env.SMS_ROUTES_FILE;
  if (!file) return env;
  if (env.SMS_ROUTES) throw new ConfigError(['SMS_ROUTES_FILE: set it or SMS_ROUTES, not both']);
  try {
    return { ...env, SMS_ROUTES: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new ConfigError([`SMS_ROUTES_FILE: cannot read ${file} (${(error as Error).message})`]);
  }
}

/**
 * Parses the environment once into a frozen Config; every problem is reported, not just the first.
 * The schema's output is already typed (routes, trust policy, key bytes ...): this only names it.
 */
export function loadConfig(given: Record<string, string | undefined> = process.env): Config {
  const env = withRoutesFile(given);
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'env';
        const where =
          name === 'SMS_ROUTES' && given.SMS_ROUTES_FILE
            ? `${name} (from ${given.SMS_ROUTES_FILE})`
            : name;
        // A parser shared with other callers may name the variable itself: say it once.
        const message = issue.message.startsWith(`${name}: `)
          ? issue.message.slice(name.length + 2)
          : issue.message;
        return `${where}: ${message}`;
      }),
    );
  }
  const e = parsed.data;
  return Object.freeze({
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redis: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    dataDir: e.DATA_DIR,
    auditSpoolDir: e.AUDIT_SPOOL_DIR ?? join(e.DATA_DIR, 'audit-spool'),
    auditLog: {
      signingKey: e.AUDIT_SIGNING_KEY,
      name:
        e.AUDIT_LOG_NAME ?? `tessera.${e.PUBLIC_URL ? new URL(e.PUBLIC_URL).host : 'localhost'}`,
      checkpointFile: e.AUDIT_CHECKPOINT_FILE,
      witnessUrl: e.AUDIT_WITNESS_URL,
    },
    secretKey: e.SECRET_KEY,
    bootstrapApiKey: e.BOOTSTRAP_API_KEY,
    trustProxy: e.TRUST_PROXY,
    allowedCountries: e.ALLOWED_COUNTRIES ?? null,
    // Unset: the console route (the schema refuses that in production).
    smsRoutes: e.SMS_ROUTES ?? parseSmsRoutes('console'),
    publicUrl: e.PUBLIC_URL,
    metricsToken: e.METRICS_TOKEN,
    smsBrand: e.SMS_BRAND,
    webOtpDomain: e.WEBOTP_DOMAIN,
    codeHashProfileName: e.CODE_HASH_PROFILE.name,
    codeHashProfile: e.CODE_HASH_PROFILE.profile,
    logLevel: e.LOG_LEVEL,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
    webhooks: {
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK === 'true',
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'true',
    },
    // Production runs as a role that cannot migrate: `tessera migrate` is a step of its own there.
    migrateOnStart:
      e.MIGRATE_ON_START === undefined
        ? e.NODE_ENV !== 'production'
        : e.MIGRATE_ON_START === 'true',
  });
}
