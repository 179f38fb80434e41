import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import {
  describeStartupFailure,
  reasonOf,
  StartupError,
} from '../../src/config/startup-failure.ts';

const PASSWORD = 'hunter2-pa55word';

/** What a failed start prints for this environment (fails the test if the config is accepted). */
function startupMessage(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return describeStartupFailure(error, env);
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** Each bad environment: the variable and what is wrong with it must both be in the message. */
const BAD: { env: Record<string, string>; variable: string; problem: RegExp }[] = [
  {
    env: { DATABASE_URL: `postgres://:${PASSWORD}@127.0.0.1/tessera` },
    variable: 'DATABASE_URL',
    problem: /has no user/,
  },
  {
    env: { DATABASE_URL: 'postgres://127.0.0.1/tessera' },
    variable: 'DATABASE_URL',
    problem: /has no user/,
  },
  {
    env: { DATABASE_URL: `postgres://tessera:${PASSWORD}@/tessera` },
    variable: 'DATABASE_URL',
    problem: /has no host/,
  },
  {
    env: { DATABASE_URL: `postgres://tessera:${PASSWORD}@db.internal` },
    variable: 'DATABASE_URL',
    problem: /has no database/,
  },
  {
    env: { DATABASE_URL: `postgres://tessera:${PASSWORD}@db.internal:99999/tessera` },
    variable: 'DATABASE_URL',
    problem: /invalid port/,
  },
  {
    env: { DATABASE_URL: `postgres://tessera:${PASSWORD}@db.internal:54x2/tessera` },
    variable: 'DATABASE_URL',
    problem: /invalid port/,
  },
  {
    env: { DATABASE_URL: `mysql://tessera:${PASSWORD}@db.internal/tessera` },
    variable: 'DATABASE_URL',
    problem: /must start with postgres:\/\/ or postgresql:\/\//,
  },
  { env: { DATABASE_URL: PASSWORD }, variable: 'DATABASE_URL', problem: /is not a URL/ },
  {
    env: { REDIS_URL: `redis://:${PASSWORD}@cache.internal:70000` },
    variable: 'REDIS_URL',
    problem: /not a valid URL/,
  },
  { env: { REDIS_URL: 'redis://' }, variable: 'REDIS_URL', problem: /has no host/ },
  {
    env: { REDIS_URL: `http://:${PASSWORD}@cache.internal` },
    variable: 'REDIS_URL',
    problem: /must start with redis:\/\//,
  },
  { env: { PORT: 'eighty' }, variable: 'PORT', problem: /whole number from 0 to 65535/ },
  { env: { PORT: '65536' }, variable: 'PORT', problem: /whole number from 0 to 65535/ },
  { env: { PORT: '80.5' }, variable: 'PORT', problem: /whole number from 0 to 65535/ },
  {
    env: { TRUST_PROXY: '10.0.0.0/33' },
    variable: 'TRUST_PROXY',
    problem: /"10\.0\.0\.0\/33" is not an IP or CIDR range/,
  },
  {
    env: { SECRET_KEY: 'ab'.repeat(16) },
    variable: 'SECRET_KEY',
    problem: /16 bytes.*at least 32/,
  },
  { env: { SECRET_KEY: PASSWORD }, variable: 'SECRET_KEY', problem: /neither hex nor .*base64/ },
  {
    env: { SMS_ROUTES: '[{"name": "primary", "provider": "twilio",}]' },
    variable: 'SMS_ROUTES',
    problem: /not valid JSON \(at character \d+\)/,
  },
  {
    env: {
      SMS_ROUTES: JSON.stringify([
        { name: 'primary', provider: 'console' },
        { name: 'backup', provider: 'smpp', host: 'smsc', port: 0, systemId: 'x', password: 'y' },
      ]),
    },
    variable: 'SMS_ROUTES',
    problem: /at \[1\]\.port: /,
  },
  {
    env: {
      SMS_ROUTES: JSON.stringify([
        { name: 'primary', provider: 'console', breaker: { openMs: 1 } },
      ]),
    },
    variable: 'SMS_ROUTES',
    problem: /at \[0\]\.breaker\.openMs: /,
  },
  { env: { SMS_ROUTES: '{}' }, variable: 'SMS_ROUTES', problem: /at the top level: / },
  {
    env: { NODE_ENV: 'prod' },
    variable: 'NODE_ENV',
    problem: /must be one of development, production, test/,
  },
  {
    env: { PUBLIC_URL: 'ftp://example.com' },
    variable: 'PUBLIC_URL',
    problem: /http:\/\/ or https:\/\//,
  },
  { env: { LOG_LEVEL: 'verbose' }, variable: 'LOG_LEVEL', problem: /expected one of/ },
  { env: { MIGRATE_ON_START: 'yes' }, variable: 'MIGRATE_ON_START', problem: /expected one of/ },
  { env: { METRICS_TOKEN: 'short' }, variable: 'METRICS_TOKEN', problem: /at least 24 characters/ },
  { env: { CODE_HASH_PROFILE: 'fast' }, variable: 'CODE_HASH_PROFILE', problem: /expected one of/ },
  { env: { ALLOWED_COUNTRIES: 'FR;DE' }, variable: 'ALLOWED_COUNTRIES', problem: /ISO 3166/ },
  { env: { WEBOTP_DOMAIN: 'https://shop' }, variable: 'WEBOTP_DOMAIN', problem: /host name/ },
];

describe('a configuration mistake names the variable and what is wrong, and never a secret', () => {
  it.each(BAD)('$variable: $problem', ({ env, variable, problem }) => {
    const message = startupMessage(env);
    const line = message.split('\n').find((text) => text.trim().startsWith(`${variable}:`));
    expect(line, message).toBeDefined();
    expect(line).toMatch(problem);
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toMatch(/^\s+at /m);
  });

  it('every mistake at once, one line each', () => {
    const message = startupMessage({
      DATABASE_URL: 'postgres://127.0.0.1/tessera',
      PORT: 'x',
      NODE_ENV: 'staging',
      SECRET_KEY: 'abcd',
    });
    const lines = message
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(':')[0]);
    expect(lines.sort()).toEqual(['DATABASE_URL', 'NODE_ENV', 'PORT', 'SECRET_KEY']);
  });

  it('a failure a driver explains is one line naming the variable, with the passwords masked', () => {
    const env = {
      DATABASE_URL: `postgres://tessera:${encodeURIComponent(`${PASSWORD}/x`)}@db/tessera`,
      REDIS_URL: `redis://:${PASSWORD}@cache:6379`,
      SECRET_KEY: 'k'.repeat(43),
    };
    const quoted = new StartupError(
      'DATABASE_URL',
      `the driver said "${PASSWORD}/x" and ${'k'.repeat(43)}`,
    );
    expect(describeStartupFailure(quoted, env)).toBe('DATABASE_URL: the driver said "***" and ***');
    // Anything else is still one line, without its stack.
    const unexpected = new Error(`boom near ${PASSWORD}`);
    expect(describeStartupFailure(unexpected, env)).toBe('could not start: boom near ***');
  });

  it('a refused connection reads as its code, whichever address answered first', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), {
      code: 'ECONNREFUSED',
    });
    expect(reasonOf(refused)).toBe('ECONNREFUSED');
    expect(reasonOf(new AggregateError([refused], ''))).toBe('ECONNREFUSED');
    expect(reasonOf(new Error('password authentication failed for user "x"'))).toBe(
      'password authentication failed for user "x"',
    );
  });
});
