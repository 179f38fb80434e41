import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/access/api-key-format.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { loadOrCreateDevSecret } from '../../src/config/dev-secret.ts';
import { decodeSecretKey } from '../../src/config/schema.ts';
import { HASH_PROFILES } from '../../src/kernel/crypto/hash-profiles.ts';

/** 32 fixed bytes, so a decoding mistake shows as a byte mismatch, not just a length. */
const KEY_BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256));
const HEX_KEY = KEY_BYTES.toString('hex');
const BASE64_KEY = KEY_BYTES.toString('base64');

/** A route that really sends (the generic HTTP provider), as production needs. */
const REAL_ROUTES = JSON.stringify([
  {
    name: 'primary',
    provider: 'http',
    url: 'https://sms.example.net/send',
    body: { to: '{{to}}', text: '{{text}}' },
  },
]);
const PRODUCTION = {
  NODE_ENV: 'production',
  SECRET_KEY: HEX_KEY,
  DATABASE_URL: 'postgres://tessera@db.internal/tessera',
  REDIS_URL: 'redis://cache.internal:6379',
  SMS_ROUTES: REAL_ROUTES,
};

/** The ConfigError loadConfig throws for this environment (fails the test if it does not throw). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The fields a ConfigError complains about (each issue reads `FIELD: message`). */
function fieldsOf(error: ConfigError): string[] {
  return error.issues.map((issue) => issue.split(':')[0] as string).sort();
}

describe('loadConfig defaults', () => {
  it('an empty environment is a local development setup on the embedded stores', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false,
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.tessera',
      databaseUrl: undefined,
      redis: undefined,
      secretKey: undefined,
      codeHashProfileName: 'otp',
      codeHashProfile: { memoryCost: 4096, timeCost: 1, parallelism: 1 },
      logLevel: 'info',
      smsRoutes: [expect.objectContaining({ name: 'console', provider: 'console' })],
      smsBrand: 'Tessera',
      webOtpDomain: undefined,
    });
  });

  it('treats empty variables (KEY= in a .env file) as unset', () => {
    const config = loadConfig({ PORT: '', HOST: '', DATA_DIR: '', CODE_HASH_PROFILE: '' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.tessera',
      codeHashProfileName: 'otp',
    });
  });

  it('reads the graceful shutdown durations, 0 s of delay and 8 s of drain by default', () => {
    expect(loadConfig({})).toMatchObject({ shutdownDelayMs: 0, drainTimeoutMs: 8000 });
    expect(loadConfig({ SHUTDOWN_DELAY_MS: '5000', DRAIN_TIMEOUT_MS: '20000' })).toMatchObject({
      shutdownDelayMs: 5000,
      drainTimeoutMs: 20000,
    });
    for (const bad of ['5s', '-1', '1.5', '600001']) {
      const error = configError({ SHUTDOWN_DELAY_MS: bad, DRAIN_TIMEOUT_MS: bad });
      expect(fieldsOf(error)).toEqual(['DRAIN_TIMEOUT_MS', 'SHUTDOWN_DELAY_MS']);
    }
  });

  it('the config object is frozen: nothing can rewrite it after start-up', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(3000);
  });
});

describe('hashing profiles', () => {
  it('pins both argon2id profiles rather than trusting library defaults', () => {
    expect(HASH_PROFILES).toEqual({
      otp: { memoryCost: 4096, timeCost: 1, parallelism: 1 },
      owasp: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    });
  });

  it('CODE_HASH_PROFILE=owasp selects the OWASP minimum', () => {
    const config = loadConfig({ CODE_HASH_PROFILE: 'owasp' });
    expect(config.codeHashProfileName).toBe('owasp');
    expect(config.codeHashProfile).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it.each(['bcrypt', 'OTP', 'argon2id', 'default'])(
    'refuses an unknown CODE_HASH_PROFILE %j',
    (profile) => {
      expect(fieldsOf(configError({ CODE_HASH_PROFILE: profile }))).toEqual(['CODE_HASH_PROFILE']);
    },
  );
});

describe('the audit log checkpoints', () => {
  it('reads AUDIT_SIGNING_KEY as a 32-byte Ed25519 seed, hex or base64, and names the log', () => {
    for (const value of [HEX_KEY, BASE64_KEY]) {
      const config = loadConfig({
        AUDIT_SIGNING_KEY: value,
        PUBLIC_URL: 'https://otp.example.com',
      });
      expect(config.auditLog.signingKey?.equals(KEY_BYTES)).toBe(true);
      expect(config.auditLog.name).toBe('tessera.otp.example.com');
    }
    expect(loadConfig({ AUDIT_LOG_NAME: 'audit.example.org' }).auditLog).toMatchObject({
      signingKey: undefined,
      name: 'audit.example.org',
    });
  });

  it.each([
    ['AUDIT_SIGNING_KEY', 'a pass phrase'],
    ['AUDIT_SIGNING_KEY', `${HEX_KEY}00`],
    ['AUDIT_LOG_NAME', 'has space'],
    ['AUDIT_LOG_NAME', 'a+b'],
    ['AUDIT_WITNESS_URL', 'ftp://witness.example.com'],
  ])('refuses %s=%j, naming it', (name, value) => {
    const error = configError({ [name]: value });
    expect(fieldsOf(error)).toEqual([name]);
    if (name === 'AUDIT_SIGNING_KEY') expect(error.message).not.toContain(value);
  });
});

describe('production', () => {
  it('refuses to start without SECRET_KEY, DATABASE_URL, REDIS_URL and SMS_ROUTES, naming all four', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(fieldsOf(error)).toEqual(['DATABASE_URL', 'REDIS_URL', 'SECRET_KEY', 'SMS_ROUTES']);
    for (const field of ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'SMS_ROUTES'])
      expect(error.message).toContain(field);
  });

  it.each(['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL'] as const)(
    'refuses production when only %s is missing (or empty)',
    (field) => {
      expect(fieldsOf(configError({ ...PRODUCTION, [field]: undefined }))).toEqual([field]);
      expect(fieldsOf(configError({ ...PRODUCTION, [field]: '' }))).toEqual([field]);
    },
  );

  it('starts with all four set', () => {
    const config = loadConfig(PRODUCTION);
    expect(config).toMatchObject({
      production: true,
      databaseUrl: PRODUCTION.DATABASE_URL,
      redis: { kind: 'single', url: PRODUCTION.REDIS_URL },
    });
    expect(config.secretKey?.equals(KEY_BYTES)).toBe(true);
  });

  it('outside production the same missing fields are fine', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).production).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).production).toBe(false);
  });
});

const CONSOLE_OPT_IN = 'i-understand-codes-are-printed';

describe('production never prints codes by accident (console SMS route)', () => {
  it('refuses production without SMS_ROUTES or SMS_ROUTES_FILE (the console default prints codes)', () => {
    const error = configError({ ...PRODUCTION, SMS_ROUTES: undefined });
    expect(fieldsOf(error)).toEqual(['SMS_ROUTES']);
    expect(error.message).toContain('SMS_ROUTES_FILE');
    // An empty SMS_ROUTES= (a .env line) is unset, not the console route.
    expect(fieldsOf(configError({ ...PRODUCTION, SMS_ROUTES: '' }))).toEqual(['SMS_ROUTES']);
  });

  it.each([
    ['SMS_ROUTES=console', 'console'],
    [
      'a console route among real ones',
      JSON.stringify([...JSON.parse(REAL_ROUTES), { name: 'spare', provider: 'console' }]),
    ],
  ])('refuses %s in production, naming the opt-in variable', (_name, routes) => {
    const error = configError({ ...PRODUCTION, SMS_ROUTES: routes });
    expect(fieldsOf(error)).toEqual(['SMS_ROUTES']);
    expect(error.message).toContain('TESSERA_ALLOW_CONSOLE_IN_PRODUCTION');
  });

  it('refuses a console route read from SMS_ROUTES_FILE, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-routes-'));
    try {
      const file = join(dir, 'routes.json');
      writeFileSync(file, JSON.stringify([{ name: 'backup', provider: 'console' }]));
      const error = configError({ ...PRODUCTION, SMS_ROUTES: undefined, SMS_ROUTES_FILE: file });
      expect(error.issues).toEqual([
        expect.stringMatching(
          new RegExp(`^SMS_ROUTES \\(from ${file}\\): .*TESSERA_ALLOW_CONSOLE_IN_PRODUCTION`),
        ),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allows the console route in production only with the exact opt-in phrase', () => {
    const config = loadConfig({
      ...PRODUCTION,
      SMS_ROUTES: 'console',
      TESSERA_ALLOW_CONSOLE_IN_PRODUCTION: CONSOLE_OPT_IN,
    });
    expect(config.production).toBe(true);
    expect(config.smsRoutes.map((route) => route.provider)).toEqual(['console']);
    for (const vague of [
      '1',
      'true',
      'yes',
      'I-UNDERSTAND-CODES-ARE-PRINTED',
      `${CONSOLE_OPT_IN}!`,
    ]) {
      const error = configError({
        ...PRODUCTION,
        SMS_ROUTES: 'console',
        TESSERA_ALLOW_CONSOLE_IN_PRODUCTION: vague,
      });
      expect(fieldsOf(error), vague).toEqual(['SMS_ROUTES', 'TESSERA_ALLOW_CONSOLE_IN_PRODUCTION']);
    }
  });

  it('the opt-in does not make an unset SMS_ROUTES the console route: routes stay explicit', () => {
    const error = configError({
      ...PRODUCTION,
      SMS_ROUTES: undefined,
      TESSERA_ALLOW_CONSOLE_IN_PRODUCTION: CONSOLE_OPT_IN,
    });
    expect(fieldsOf(error)).toEqual(['SMS_ROUTES']);
  });

  it('outside production the console route stays the default, with no opt-in', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).smsRoutes.map((r) => r.provider)).toEqual([
      'console',
    ]);
    expect(loadConfig({ SMS_ROUTES: 'console' }).smsRoutes.map((r) => r.provider)).toEqual([
      'console',
    ]);
  });
});

describe('SECRET_KEY', () => {
  it('accepts 64 hex characters and decodes them to the 32 bytes they spell', () => {
    expect(HEX_KEY).toHaveLength(64);
    const key = loadConfig({ SECRET_KEY: HEX_KEY }).secretKey;
    expect(key).toHaveLength(32);
    expect(key?.equals(KEY_BYTES)).toBe(true);
    expect(loadConfig({ SECRET_KEY: HEX_KEY.toUpperCase() }).secretKey?.equals(KEY_BYTES)).toBe(
      true,
    );
  });

  it('accepts the 44-character base64 of 32 bytes and decodes it to those bytes', () => {
    expect(BASE64_KEY).toHaveLength(44);
    const key = loadConfig({ SECRET_KEY: BASE64_KEY }).secretKey;
    expect(key).toHaveLength(32);
    expect(key?.equals(KEY_BYTES)).toBe(true);
  });

  it('ignores surrounding whitespace (a key pasted with its newline)', () => {
    expect(loadConfig({ SECRET_KEY: ` ${HEX_KEY}\n` }).secretKey?.equals(KEY_BYTES)).toBe(true);
  });

  it.each([
    ['31 bytes of hex (62 characters)', randomBytes(31).toString('hex')],
    ['31 bytes of base64 (also 44 characters)', randomBytes(31).toString('base64')],
    ['16 bytes of hex', randomBytes(16).toString('hex')],
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['a short passphrase', 'hunter2'],
  ])('refuses a key shorter than 32 bytes: %s', (_, secret) => {
    const error = configError({ SECRET_KEY: secret });
    expect(fieldsOf(error)).toEqual(['SECRET_KEY']);
    // The refusal names the variable but must not echo the secret into logs.
    expect(error.message).not.toContain(secret);
  });

  it('decodeSecretKey returns null below 32 bytes and the bytes from 32 up', () => {
    expect(decodeSecretKey(KEY_BYTES.subarray(0, 31).toString('hex'))).toBeNull();
    expect(decodeSecretKey(KEY_BYTES.subarray(0, 31).toString('base64'))).toBeNull();
    expect(decodeSecretKey(HEX_KEY)?.equals(KEY_BYTES)).toBe(true);
    const longer = randomBytes(48);
    expect(decodeSecretKey(longer.toString('base64'))?.equals(longer)).toBe(true);
  });
});

describe('PORT', () => {
  it('reads a port number', () => {
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it.each(['http', '65536', '-1', '80.5', '3000abc', 'NaN'])('refuses PORT=%j', (port) => {
    expect(fieldsOf(configError({ PORT: port }))).toEqual(['PORT']);
  });
});

describe('WEBOTP_DOMAIN', () => {
  it.each(['example.com', 'shop.example.com', 'a-b.example.co.uk', 'EXAMPLE.COM'])(
    'accepts the host name %j',
    (domain) => {
      expect(loadConfig({ WEBOTP_DOMAIN: domain }).webOtpDomain).toBe(domain);
    },
  );

  it.each([
    'https://example.com',
    'example.com/login',
    'example.com:443',
    'localhost',
    'exa mple.com',
    'example.com.',
    '@example.com',
    'example.com #123456',
    `${'a'.repeat(250)}.com`,
  ])('refuses %j (it becomes the `@host` line of every SMS)', (domain) => {
    expect(fieldsOf(configError({ WEBOTP_DOMAIN: domain }))).toEqual(['WEBOTP_DOMAIN']);
  });
});

describe('SMS_BRAND, WEBOTP_DOMAIN and SMS_ROUTES', () => {
  it('refuses a brand and domain that would make a code SMS take two segments', () => {
    expect(() =>
      loadConfig({ SMS_BRAND: 'B'.repeat(30), WEBOTP_DOMAIN: `${'a'.repeat(60)}.example.com` }),
    ).toThrow(/WEBOTP_DOMAIN: .*2 segments/);
    expect(() => loadConfig({ SMS_BRAND: 'Café 🍰' })).toThrow(/SMS_BRAND: .*segments \(UCS-2\)/);
  });

  it('reads routes in priority order and refuses what it cannot use', () => {
    const routes = JSON.stringify([
      {
        name: 'primary',
        provider: 'http',
        url: 'https://sms.example.net/send',
        body: { to: '{{to}}', text: '{{text}}' },
      },
      { name: 'backup', provider: 'console', countries: ['FR', 'BE'] },
    ]);
    expect(
      loadConfig({ SMS_ROUTES: routes }).smsRoutes.map((r) => [r.name, r.provider, r.countries]),
    ).toEqual([
      ['primary', 'http', '*'],
      ['backup', 'console', ['FR', 'BE']],
    ]);
    for (const bad of [
      'kannel',
      '[]',
      JSON.stringify([{ name: 'x', provider: 'pigeon' }]),
      JSON.stringify([
        { name: 'a', provider: 'console' },
        { name: 'a', provider: 'console' },
      ]),
      JSON.stringify([{ name: 'x', provider: 'twilio', accountSid: 'nope', authToken: 'short' }]),
      JSON.stringify([
        { name: 'x', provider: 'http', url: 'https://x.example', body: { to: '{{phone}}' } },
      ]),
    ]) {
      expect(() => loadConfig({ SMS_ROUTES: bad }), bad).toThrow(ConfigError);
    }
  });

  it('reads routes from SMS_ROUTES_FILE (a mounted secret), with the same checks under its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-routes-'));
    try {
      const file = join(dir, 'routes.json');
      writeFileSync(file, JSON.stringify([{ name: 'backup', provider: 'console' }]));
      expect(loadConfig({ SMS_ROUTES_FILE: file }).smsRoutes.map((r) => r.name)).toEqual([
        'backup',
      ]);
      expect(configError({ SMS_ROUTES_FILE: file, SMS_ROUTES: 'console' }).issues).toEqual([
        'SMS_ROUTES_FILE: set it or SMS_ROUTES, not both',
      ]);
      expect(configError({ SMS_ROUTES_FILE: join(dir, 'missing.json') }).issues[0]).toMatch(
        /^SMS_ROUTES_FILE: cannot read .*missing\.json/,
      );
      writeFileSync(file, '[{"name":"x","provider":"pigeon"}]');
      expect(configError({ SMS_ROUTES_FILE: file }).issues[0]).toContain(
        `SMS_ROUTES (from ${file}): `,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('each variable is read into its final value', () => {
  it('TRUST_PROXY: none when unset, a hop count, or a list of addresses and ranges', () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    const policy = loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy;
    expect(policy.kind).toBe('list');
    if (policy.kind !== 'list') return;
    expect(policy.list.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(policy.list.check('::1', 'ipv6')).toBe(true);
    expect(policy.list.check('192.168.0.1', 'ipv4')).toBe(false);
    expect(configError({ TRUST_PROXY: '10.0.0.0/8, nope' }).issues).toEqual([
      expect.stringMatching(/^TRUST_PROXY: .*"nope" is not an IP or CIDR range/),
    ]);
  });

  it('ALLOWED_COUNTRIES: a set of upper-case codes, null (every country) when unset', () => {
    expect(loadConfig({}).allowedCountries).toBeNull();
    expect(loadConfig({ ALLOWED_COUNTRIES: ' fr, be ' }).allowedCountries).toEqual(
      new Set(['FR', 'BE']),
    );
    expect(fieldsOf(configError({ ALLOWED_COUNTRIES: 'France' }))).toEqual(['ALLOWED_COUNTRIES']);
  });

  it('REDIS_URL: the parsed target (one Redis or Sentinel), and why a URL is refused', () => {
    expect(loadConfig({ REDIS_URL: 'redis+sentinel://:pw@s1,s2:26380/main/1' }).redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'main',
      db: 1,
      username: undefined,
      password: 'pw',
      sentinelPassword: undefined,
    });
    expect(configError({ REDIS_URL: 'redis://a:6379,b:6379' }).issues).toEqual([
      expect.stringMatching(/^REDIS_URL: .*Redis Cluster\) is not supported/),
    ]);
  });

  it('AUDIT_SPOOL_DIR: DATA_DIR/audit-spool unless set', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/tessera' }).auditSpoolDir).toBe(
      join('/var/lib/tessera', 'audit-spool'),
    );
    expect(loadConfig({ AUDIT_SPOOL_DIR: '/spool', DATA_DIR: '/data' }).auditSpoolDir).toBe(
      '/spool',
    );
  });

  it('BOOTSTRAP_API_KEY: a generated key; METRICS_TOKEN: at least 24 characters; PUBLIC_URL: http(s) only', () => {
    const token = 't'.repeat(24);
    const key = generateApiKey();
    expect(loadConfig({ BOOTSTRAP_API_KEY: key, METRICS_TOKEN: token })).toMatchObject({
      bootstrapApiKey: key,
      metricsToken: token,
    });
    expect(
      fieldsOf(configError({ BOOTSTRAP_API_KEY: token.slice(1), METRICS_TOKEN: token.slice(1) })),
    ).toEqual(['BOOTSTRAP_API_KEY', 'METRICS_TOKEN']);
    expect(loadConfig({ PUBLIC_URL: 'https://otp.example.com' }).publicUrl).toBe(
      'https://otp.example.com',
    );
    expect(fieldsOf(configError({ PUBLIC_URL: 'ftp://otp.example.com' }))).toEqual(['PUBLIC_URL']);
  });
});

describe('BOOTSTRAP_API_KEY', () => {
  it('refuses an operator-chosen key (guessable, and once shown in part as its hint), naming how to generate one', () => {
    for (const chosen of [
      'correct-horse-battery-staple-2024',
      'tsk_my-own-bootstrap-key-for-production',
      `tsk_${randomBytes(24).toString('hex')}`,
      `${generateApiKey()} `.repeat(2).trim(),
    ]) {
      const error = configError({ BOOTSTRAP_API_KEY: chosen });
      expect(fieldsOf(error), chosen).toEqual(['BOOTSTRAP_API_KEY']);
      expect(error.message).toContain('tessera keys generate');
      // The message names the variable, never its value (a secret).
      expect(error.message).not.toContain(chosen);
    }
  });

  it('accepts a key as `tessera keys generate` and `keys create` print it', () => {
    const key = generateApiKey();
    expect(loadConfig({ BOOTSTRAP_API_KEY: key }).bootstrapApiKey).toBe(key);
  });
});

describe('every problem is reported at once', () => {
  it('names each bad variable in one ConfigError', () => {
    const error = configError({
      PORT: 'http',
      CODE_HASH_PROFILE: 'bcrypt',
      WEBOTP_DOMAIN: 'https://example.com',
      SECRET_KEY: 'short',
      LOG_LEVEL: 'loud',
    });
    expect(fieldsOf(error)).toEqual([
      'CODE_HASH_PROFILE',
      'LOG_LEVEL',
      'PORT',
      'SECRET_KEY',
      'WEBOTP_DOMAIN',
    ]);
  });

  it('the cross-field rules still run beside a variable that is present but unreadable', () => {
    // Production names what is missing, and a bad REDIS_URL once, as bad (not also as missing).
    const issues = configError({ NODE_ENV: 'production', REDIS_URL: 'memcached://x' }).issues;
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'REDIS_URL',
      'SECRET_KEY',
      'SMS_ROUTES',
    ]);
    expect(issues).toContain('REDIS_URL: must start with redis://, rediss:// or redis+sentinel://');
    expect(issues).toContain('SECRET_KEY: is required when NODE_ENV=production');
    expect(
      fieldsOf(configError({ NODE_ENV: 'production', SECRET_KEY: 'short', SMS_ROUTES: 'kannel' })),
    ).toEqual(['DATABASE_URL', 'REDIS_URL', 'SECRET_KEY', 'SMS_ROUTES']);
    // The one-segment rule too, beside an unreadable TRUST_PROXY.
    expect(fieldsOf(configError({ SMS_BRAND: 'Café 🍰', TRUST_PROXY: 'nope' }))).toEqual([
      'SMS_BRAND',
      'TRUST_PROXY',
    ]);
  });
});

describe('loadOrCreateDevSecret', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tessera-dev-secret-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates DATA_DIR/secret.key (mode 0600) once, then returns the same key', () => {
    const dataDir = join(root, 'not-yet-created');
    const first = loadOrCreateDevSecret(dataDir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dataDir, 'secret.key'));
    expect(first.key).toHaveLength(32);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    expect(Buffer.from(readFileSync(first.path, 'utf8').trim(), 'base64').equals(first.key)).toBe(
      true,
    );

    const second = loadOrCreateDevSecret(dataDir);
    expect(second.created).toBe(false);
    expect(second.path).toBe(first.path);
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('two data dirs get two different keys', () => {
    const a = loadOrCreateDevSecret(join(root, 'a')).key;
    const b = loadOrCreateDevSecret(join(root, 'b')).key;
    expect(a.equals(b)).toBe(false);
  });

  it('never overwrites an unreadable secret.key (that would orphan every hash and API key)', () => {
    const path = join(root, 'secret.key');
    writeFileSync(path, 'not a key\n');
    expect(() => loadOrCreateDevSecret(root)).toThrow(/holds no valid key/);
    expect(readFileSync(path, 'utf8')).toBe('not a key\n');
  });
});

describe('SECRET_KEY is decoded strictly', () => {
  it.each([
    ['a pass phrase with punctuation', 'pass-phrase_'.repeat(5)],
    ['letters outside base64', 'x'.repeat(64).replace(/x/g, 'x!')],
    ['a mistyped hex key (odd length)', 'a'.repeat(63)],
    ['spaces inside', 'this is not a key!! '.repeat(4)],
  ])('refuses %s', (_name, value) => {
    expect(decodeSecretKey(value)).toBeNull();
  });

  it('keeps the profiles frozen, so no code path can weaken hashing at run time', () => {
    expect(Object.isFrozen(HASH_PROFILES.otp)).toBe(true);
    expect(Object.isFrozen(HASH_PROFILES.owasp)).toBe(true);
  });

  it('refuses a WebOTP domain whose label starts or ends with a hyphen', () => {
    expect(() => loadConfig({ WEBOTP_DOMAIN: '-shop.example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBOTP_DOMAIN: 'shop-.example.com' })).toThrow(ConfigError);
  });
});
