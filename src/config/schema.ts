import { z } from 'zod';
import { isGeneratedApiKey } from '../access/index.ts';
import { parseTrustProxy } from '../http/client-ip.ts';
import { HASH_PROFILES, type HashProfileName } from '../kernel/crypto/hash-profiles.ts';
import { HOST_NAME } from '../kernel/host-name.ts';
import { parseSmsRoutes } from '../sms/index.ts';
import { worstCaseCodeMessage } from '../verification/index.ts';
import { checkDatabaseUrl } from './database-url.ts';
import { parseRedisTarget } from './redis-target.ts';

/**
 * Decodes SECRET_KEY: hex, or canonical base64 (as `openssl rand -base64 32` prints it); at least
 * 32 bytes of key material. Strict on purpose: Node's base64 decoder skips characters it does not
 * know, which would turn a pass phrase or a mistyped hex key into a "valid" key.
 */
export function decodeSecretKey(value: string): Buffer | null {
  const text = value.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) {
    bytes = Buffer.from(text, 'hex');
  } else if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.toString('base64') === text) bytes = decoded;
  }
  return bytes && bytes.length >= 32 ? bytes : null;
}

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

/**
 * A variable's transform: what `parse` returns is the variable's value, what it throws is the
 * issue's message. The issue lets the schema go on (`continue`), so the cross-field rules below
 * still run and every problem is reported at once; the failed value stays present (z.NEVER, not
 * undefined), so a bad variable is named once, as bad, and not also as missing.
 */
function parsedBy<In, Out>(parse: (value: In) => Out) {
  return (value: In, ctx: z.RefinementCtx): Out => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, continue: true });
      return z.NEVER;
    }
  };
}

/** The value TESSERA_ALLOW_CONSOLE_IN_PRODUCTION must have to let the console route run in production. */
export const CONSOLE_IN_PRODUCTION_OPT_IN = 'i-understand-codes-are-printed';

function consoleOptIn(value: string): true {
  if (value !== CONSOLE_IN_PRODUCTION_OPT_IN)
    throw new Error(`must be exactly ${CONSOLE_IN_PRODUCTION_OPT_IN}, or unset`);
  return true;
}

/** SECRET_KEY's bytes; the message never echoes the value, which is a secret. */
function secretKeyBytes(value: string): Buffer {
  const key = decodeSecretKey(value);
  if (key !== null) return key;
  const text = value.trim();
  const hex = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0;
  const base64 = !hex && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
  const bytes = hex
    ? text.length / 2
    : base64 && Buffer.from(text, 'base64').toString('base64') === text
      ? Buffer.from(text, 'base64').length
      : null;
  if (bytes === null) {
    throw new Error(
      'is neither hex nor canonical base64; generate one with `openssl rand -base64 32`',
    );
  }
  throw new Error(
    `is ${bytes} bytes once decoded; it needs at least 32 (\`openssl rand -base64 32\`)`,
  );
}

const NODE_ENVS = ['development', 'production', 'test'] as const;

/** PORT: a whole number, not whatever Number() makes of the text ('' or '0x50' or '80.5'). */
function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value.trim()) || port > 65535) {
    throw new Error('must be a whole number from 0 to 65535');
  }
  return port;
}

/** A duration in whole milliseconds, at most ten minutes (SHUTDOWN_DELAY_MS, DRAIN_TIMEOUT_MS). */
function milliseconds(value: string): number {
  const ms = Number(value);
  if (!/^\d{1,6}$/.test(value.trim()) || ms > 600_000) {
    throw new Error('must be a whole number of milliseconds from 0 to 600000');
  }
  return ms;
}

/** AUDIT_SIGNING_KEY's bytes: an Ed25519 private key (its 32-byte seed); never echoed. */
function auditSigningKeyBytes(value: string): Buffer {
  const text = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(text)
      ? Buffer.from(text, 'base64')
      : null;
  if (key === null || key.length !== 32) {
    throw new Error(
      'must be a 32-byte Ed25519 private key, hex or base64 (openssl rand -base64 32)',
    );
  }
  return key;
}

/** AUDIT_LOG_NAME: a C2SP key name and origin prefix, so printable, no space and no `+`. */
const LOG_NAME = /^[\x21-\x2a\x2c-\x7e]{1,200}$/;

export const envSchema = z
  .object({
    NODE_ENV: z.preprocess(
      emptyAsUndefined,
      z.enum(NODE_ENVS, { error: `must be one of ${NODE_ENVS.join(', ')}` }).default('development'),
    ),
    PORT: z.preprocess(emptyAsUndefined, z.string().transform(parsedBy(portNumber)).default(3000)),
    HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(checkDatabaseUrl)).optional(),
    ),
    REDIS_URL: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(parseRedisTarget)).optional(),
    ),
    REDIS_KEY_PREFIX: z.preprocess(emptyAsUndefined, z.string().min(1).default('tessera:')),
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./.tessera')),
    AUDIT_SPOOL_DIR: optionalString,
    // Signs the Merkle log checkpoints; unset, derived from SECRET_KEY (README, The audit trail).
    AUDIT_SIGNING_KEY: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(auditSigningKeyBytes)).optional(),
    ),
    AUDIT_LOG_NAME: z.preprocess(
      emptyAsUndefined,
      z.string().regex(LOG_NAME, 'must be printable, without spaces or "+"').optional(),
    ),
    // Each signed checkpoint is also appended here, one JSON line each, outside Postgres.
    AUDIT_CHECKPOINT_FILE: optionalString,
    // And posted (text/plain, the signed note) to this witness.
    AUDIT_WITNESS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    SECRET_KEY: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(secretKeyBytes)).optional(),
    ),
    // A generated key only: a chosen one may be guessable, and one shape means the hint shows
    // only its public tag. The message never echoes the value (a secret).
    BOOTSTRAP_API_KEY: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .refine(isGeneratedApiKey, {
          message:
            'must be a generated key (tsk_<8 hex>_<43 base64url>), as `npx tessera keys generate` prints',
        })
        .optional(),
    ),
    // Unset reads as trusting no proxy.
    TRUST_PROXY: z.preprocess(
      emptyAsUndefined,
      z.string().optional().transform(parsedBy(parseTrustProxy)),
    ),
    ALLOWED_COUNTRIES: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(
          /^\s*[A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*\s*$/,
          'must be a comma-separated list of ISO 3166 alpha-2 codes',
        )
        .transform(
          (v): ReadonlySet<string> => new Set(v.split(',').map((c) => c.trim().toUpperCase())),
        )
        .optional(),
    ),
    // Unset reads as the console route outside production (config.ts); production refuses it.
    SMS_ROUTES: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(parseSmsRoutes)).optional(),
    ),
    // Read by loadConfig into SMS_ROUTES; declared so it is a known variable.
    SMS_ROUTES_FILE: optionalString,
    // The console route in production, only with this exact phrase: a "1" or "true" left over in
    // an environment file must not be enough to print codes and numbers to the logs.
    TESSERA_ALLOW_CONSOLE_IN_PRODUCTION: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(consoleOptIn)).optional(),
    ),
    METRICS_TOKEN: z.preprocess(
      emptyAsUndefined,
      z.string().min(24, 'must be at least 24 characters').optional(),
    ),
    PUBLIC_URL: z.preprocess(
      emptyAsUndefined,
      z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    ),
    SMS_BRAND: z.preprocess(emptyAsUndefined, z.string().min(1).max(30).default('Tessera')),
    WEBOTP_DOMAIN: z.preprocess(
      emptyAsUndefined,
      z.string().regex(HOST_NAME, 'must be a host name like example.com').optional(),
    ),
    CODE_HASH_PROFILE: z.preprocess(
      emptyAsUndefined,
      z
        .enum(Object.keys(HASH_PROFILES) as [HashProfileName, ...HashProfileName[]])
        .default('otp')
        .transform((name) => ({ name, profile: HASH_PROFILES[name] })),
    ),
    // Webhook egress (README, Events (webhooks)): loopback and private ranges are refused unless
    // these say otherwise, so that a webhook URL cannot reach the deployment's own services.
    WEBHOOK_ALLOW_LOOPBACK: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
    WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
    // Unset: on outside production, off in production (README, Database roles).
    MIGRATE_ON_START: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
    // Graceful shutdown (README, Graceful shutdown): how long /readyz says 503 before the listener
    // closes, then how long in-flight requests get to finish.
    SHUTDOWN_DELAY_MS: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(milliseconds)).default(0),
    ),
    DRAIN_TIMEOUT_MS: z.preprocess(
      emptyAsUndefined,
      z.string().transform(parsedBy(milliseconds)).default(8000),
    ),
    LOG_LEVEL: z.preprocess(
      emptyAsUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    // A code SMS must fit one segment whatever the code length, validity and language (judged
    // only on values that are valid on their own, so each problem is reported once).
    const domain = env.WEBOTP_DOMAIN ?? null;
    const worst = worstCaseCodeMessage(env.SMS_BRAND, domain);
    if ((domain === null || HOST_NAME.test(domain)) && worst.segments > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [domain === null ? 'SMS_BRAND' : 'WEBOTP_DOMAIN'],
        message: `with WEBOTP_DOMAIN, a code SMS would take ${worst.segments} segments (${worst.encoding}); shorten them or use GSM-7 characters`,
      });
    }
    // Production must never run on a generated secret or on the embedded stores: a restart would
    // lose every pending code and rate-limit counter, and a generated key would not be backed up.
    if (env.NODE_ENV !== 'production') return;
    for (const name of ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL'] as const) {
      if (env[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is required when NODE_ENV=production',
        });
      }
    }
    // The console route prints every code and number to stdout: production needs a route that
    // sends, and the console route only with the explicit opt-in (start-up then logs an error).
    if (env.SMS_ROUTES === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_ROUTES'],
        message:
          'is required when NODE_ENV=production (or SMS_ROUTES_FILE): unset means the console route, which prints codes and numbers to stdout',
      });
    } else if (Array.isArray(env.SMS_ROUTES) && env.TESSERA_ALLOW_CONSOLE_IN_PRODUCTION !== true) {
      const printing = env.SMS_ROUTES.filter((route) => route.provider === 'console');
      if (printing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['SMS_ROUTES'],
          message: `route ${printing.map((route) => `"${route.name}"`).join(', ')} is the console route, which prints codes and numbers to stdout; in production it needs TESSERA_ALLOW_CONSOLE_IN_PRODUCTION=${CONSOLE_IN_PRODUCTION_OPT_IN}`,
        });
      }
    }
  });

/** The environment read: each variable already in its final type. */
export type Env = z.output<typeof envSchema>;
