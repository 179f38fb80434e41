import { z } from 'zod';

/**
 * Per-app settings (apps.settings, jsonb). Every field has the contract's default (api.md, Limits),
 * so an app with `{}` gets them all; an operator tightens or loosens one app at a time.
 */
const count = (fallback: number) => z.number().int().positive().default(fallback);

/**
 * What a request may ever ask for (POST /v1/verify; beyond these it is a 400): no app setting
 * reaches past them. The default is what a request without the field gets.
 */
export const CODE_LENGTH = { min: 4, max: 10, default: 6 } as const;
export const TTL_SECONDS = { min: 60, max: 1800, default: 600 } as const;

/**
 * NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts on one authenticator. A
 * number's failed checks across its verifications, without a success, lock it at this many at most.
 */
export const MAX_PHONE_LOCK_FAILURES = 100;

/** At least a day, at most a century: a typo of 0 must not delete everything on the next run. */
const retentionDays = (fallback: number) => z.number().int().min(1).max(36_500).default(fallback);

export const AppSettingsSchema = z.object({
  limits: z
    .object({
      phoneSendHour: count(5),
      phoneSendDay: count(10),
      ipSendHour: count(20),
      /** Between any two sends to one number, new verification or resend; 0 turns it off. */
      resendCooldownSeconds: z.number().int().min(0).default(30),
      verificationSends: count(5),
      phoneFailedChecksHour: count(10),
      /** Failed checks of a number without a success that lock it until support unlocks it. */
      phoneLockFailures: z
        .number()
        .int()
        .positive()
        .max(MAX_PHONE_LOCK_FAILURES)
        .default(MAX_PHONE_LOCK_FAILURES),
      ipCheckHour: count(100),
      appDailyBudget: count(10_000),
    })
    .prefault({}),
  /**
   * Within CODE_LENGTH and TTL_SECONDS, what this app's requests may ask for (beyond it: 422
   * outside_code_policy). The defaults are NIST SP 800-63B rev 4 (out-of-band: at least 6 digits,
   * valid at most 10 minutes) and OWASP ASVS 5; an operator loosens them per app, audited.
   */
  codePolicy: z
    .object({
      minCodeLength: z.number().int().min(CODE_LENGTH.min).max(CODE_LENGTH.max).default(6),
      maxTtlSeconds: z.number().int().min(TTL_SECONDS.min).max(TTL_SECONDS.max).default(600),
    })
    .prefault({}),
  /** ISO 3166 alpha-2 codes this app may send to; unset means every country the operator enables. */
  allowedCountries: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .nullable()
    .default(null),
  sms: z
    .object({
      /** Android SMS Retriever hash of the app's APK; when set it ends the SMS instead of WebOTP. */
      androidAppHash: z
        .string()
        .regex(/^[A-Za-z0-9+/]{11}$/, 'an 11-character SMS Retriever app hash')
        .nullable()
        .default(null),
    })
    .prefault({}),
  /** TOTP factors enrolled from now on (RFC 6238); existing factors keep what they were made with. */
  totp: z
    .object({
      // SHA-1, 6 digits, 30 s is what every authenticator app supports; the others are opt-in.
      algorithm: z.enum(['sha1', 'sha256']).default('sha1'),
      digits: z.union([z.literal(6), z.literal(8)]).default(6),
      period: z.union([z.literal(30), z.literal(60)]).default(30),
    })
    .prefault({}),
  leads: z
    .object({
      /**
       * A lead for a number this app verified as a lead within this many seconds links to that
       * lead instead of sending another code (README, Leads); 0 never links.
       */
      linkVerifiedWithinSeconds: z.number().int().min(0).max(31_536_000).default(0),
    })
    .prefault({}),
  /**
   * How many days each kind of record is kept (README, Retention), counted from: a lead's last
   * contact (a send or a check), a consent's withdrawal, a signature. Enforced by the retention
   * job; 3, 5 and 10 years by default (365-day years).
   */
  retention: z
    .object({
      leadsDays: retentionDays(3 * 365),
      consentProofDays: retentionDays(5 * 365),
      signatureEvidenceDays: retentionDays(10 * 365),
    })
    .prefault({}),
  pumping: z
    .object({
      /** Report what would be blocked without blocking (audit events and metrics only). */
      dryRun: z.boolean().default(false),
      // Volume alone never refuses: real traffic converts. A scope (number prefix, country) is
      // paused when its sends at least a bucket old exceed its threshold while converting below
      // velocityConversion. The threshold is learnt per app and scope from its approvals
      // (baselineFactor × its busiest hour, README, SMS pumping watch); these are its floors,
      // all a new app or a prefix/country the app never sent to has.
      /** Floor of a number prefix's threshold (the number minus its last 4 digits), per window. */
      prefixSendsPerWindow: count(20),
      /** Floor of a destination country's threshold, per window. */
      countrySendsPerWindow: count(100),
      /** Threshold = this × the scope's busiest hour of approvals (same hour, last 7 days). */
      baselineFactor: z.number().min(1).default(3),
      /** Above its threshold, a scope converting below this approved ÷ sent ratio is paused. */
      velocityConversion: z.number().min(0).max(1).default(0.3),
      windowSeconds: count(3600),
      /** Conversion watch: below this approved ÷ sent ratio, with at least minSamples sends, pause. */
      // Conservative on purpose: a false pause blocks real logins. Pumped codes convert near 0%,
      // real login and signup traffic typically well above 50%.
      minConversion: z.number().min(0).max(1).default(0.1),
      minSamples: count(100),
      pauseSeconds: count(3600),
      /** A scope tripping again within a day of its pause ending is paused twice as long, up to this. */
      maxPauseSeconds: count(86_400),
    })
    .prefault({}),
});

export type AppSettings = z.infer<typeof AppSettingsSchema>;
export type LimitSettings = AppSettings['limits'];
export type CodePolicy = AppSettings['codePolicy'];
export type RetentionSettings = AppSettings['retention'];

export const DEFAULT_APP_SETTINGS: AppSettings = AppSettingsSchema.parse({});

/** Settings as stored; a malformed document falls back to the defaults rather than to no limits. */
// An app's settings object is the same for as long as its key stays cached, and every request
// reads it: parsed once per object, not once per request.
const parsedSettings = new WeakMap<object, AppSettings>();

export function parseAppSettings(raw: unknown): AppSettings {
  const cacheable = typeof raw === 'object' && raw !== null;
  const cached = cacheable ? parsedSettings.get(raw) : undefined;
  if (cached) return cached;
  const parsed = AppSettingsSchema.safeParse(raw ?? {});
  const settings = parsed.success ? parsed.data : DEFAULT_APP_SETTINGS;
  if (cacheable) parsedSettings.set(raw, settings);
  return settings;
}

export type SettingsCheck = { ok: true; settings: AppSettings } | { ok: false; errors: string[] };

/**
 * Validates settings an operator wants to store: the schema, and no unknown key anywhere (a typo
 * such as `phoneSendHours` would otherwise be dropped silently and leave the default in force).
 */
export function checkAppSettings(input: unknown): SettingsCheck {
  const parsed = AppSettingsSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  const unknown = unknownKeys(input, parsed.data, '');
  if (unknown.length > 0)
    return { ok: false, errors: unknown.map((path) => `${path}: unknown setting`) };
  return { ok: true, settings: parsed.data };
}

function unknownKeys(input: unknown, known: unknown, at: string): string[] {
  if (!isPlainObject(input) || !isPlainObject(known)) return [];
  return Object.keys(input).flatMap((key) =>
    key in known ? unknownKeys(input[key], known[key], `${at}${key}.`) : [`${at}${key}`],
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
