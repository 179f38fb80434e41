import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, timeStep } from '../../src/totp/factor.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const TO = '+33698765432';
const PHONE_FORMS = ['+33698765432', '33698765432', '0698765432', '698765432', '06 98 76 54 32'];
// Distinct enough that a hit can only be a leak.
const USER_REF = 'user-ref-5f1e9c27b4';
const LABEL = 'label-93ad1b7e@example.com';
const ISSUER = 'issuer-c04e7d';
const OUTAGE_USER_REF = 'user-ref-outage-8b2d61';
const OUTAGE_LABEL = 'label-outage-7e0f3a@example.com';
const SHA1_6_30 = { algorithm: 'sha1', digits: 6, period: 30 } as const;

const real = BACKENDS[0] as (typeof BACKENDS)[0];

describe.skipIf(!real.available)('threat: secrets in the logs of a Postgres outage', () => {
  let t: TestApp;
  const codes: string[] = [];
  const secrets: string[] = [];
  const outage = { statuses: [] as number[], logsFrom: 0, logsTo: 0 };

  beforeAll(async () => {
    t = await startTestApp(real, { throughProxies: true });
    const call = async (method: string, path: string, body?: unknown, key = t.keys.a) => {
      const response = await t.call(method, path, body === undefined ? { key } : { key, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    // Before: a send, a wrong and a right check, a TOTP enrolment, its confirmation, a verify.
    const sent = await call('POST', '/v1/verify', { to: TO, metadata: { user: USER_REF } });
    expect(sent.status).toBe(201);
    const code = await t.lastCode(TO);
    codes.push(code);
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await call('POST', `/v1/verify/${sent.body.id}/check`, { code: wrong })).status).toBe(
      200,
    );
    expect((await call('POST', `/v1/verify/${sent.body.id}/check`, { code })).status).toBe(200);
    const enrolled = await call('POST', '/v1/totp/factors', {
      user_ref: USER_REF,
      label: LABEL,
      issuer: ISSUER,
    });
    expect(enrolled.status).toBe(201);
    const secret = enrolled.body.secret as string;
    secrets.push(secret);
    const totp = codeAt(secret, SHA1_6_30, timeStep(Date.now(), 30));
    codes.push(totp);
    const confirmed = await call('POST', `/v1/totp/factors/${enrolled.body.id}/confirm`, {
      code: totp,
    });
    expect(confirmed.status).toBe(200);
    const recovery = (confirmed.body.recovery_codes as string[])[0] as string;
    secrets.push(...(confirmed.body.recovery_codes as string[]));
    expect(
      (await call('POST', '/v1/totp/verify', { user_ref: USER_REF, code: recovery })).status,
    ).toBe(200);
    // A verification to check during the outage (its audit row is what fails).
    const pending = await call('POST', '/v1/verify', { to: TO, purpose: 'signup' });
    expect(pending.status).toBe(201);
    const pendingCode = await t.lastCode(TO);
    codes.push(pendingCode);

    // The outage: every request that needs Postgres fails, and the service logs why.
    outage.logsFrom = t.logs.length;
    await t.proxies?.postgres.cut();
    const during = [
      // App B's key was never looked up: authenticating it needs Postgres.
      () => call('GET', `/v1/verify/${pending.body.id}`, undefined, t.keys.b),
      () => call('POST', `/v1/verify/${pending.body.id}/check`, { code: pendingCode }),
      () => call('POST', '/v1/verify', { to: TO, purpose: 'transaction', metadata: { USER_REF } }),
      () => call('POST', '/v1/totp/factors', { user_ref: OUTAGE_USER_REF, label: OUTAGE_LABEL }),
      () => call('POST', '/v1/totp/verify', { user_ref: USER_REF, code: '123456' }),
      () => call('GET', `/v1/totp/factors?user_ref=${USER_REF}`),
      () => call('DELETE', `/v1/totp/factors/${enrolled.body.id}`),
    ];
    for (const request of during) outage.statuses.push((await request()).status);
    await t.proxies?.postgres.restore();
    for (let i = 0; i < 100; i++) {
      if ((await t.call('GET', '/readyz', { key: null })).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await call('GET', `/v1/verify/${pending.body.id}`, undefined, t.keys.b)).status).toBe(
      404,
    );
    // Let spooled audit rows (the SMS that left during the outage) be retried and logged.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    outage.logsTo = t.logs.length;
  });
  afterAll(async () => t?.close());

  it('the outage was answered 503 and logged (the scan below reads real error logs)', () => {
    expect(outage.statuses).toEqual([503, 503, 503, 503, 503, 503, 503]);
    const warnings = t.logs
      .slice(outage.logsFrom, outage.logsTo)
      .filter((line) => line.includes('"dependency unavailable"'));
    expect(warnings.length).toBeGreaterThanOrEqual(outage.statuses.length);
    // What an operator needs is still there: the error's type, message and socket code.
    const first = JSON.parse(warnings[0] as string) as { err: Record<string, unknown> };
    expect(first.err).toMatchObject({ type: expect.any(String), message: expect.any(String) });
    expect(warnings.join('\n')).toMatch(/ECONNREFUSED|Connection terminated/);
  });

  it('no log line holds an API key, its hash, SECRET_KEY, a user_ref, a label or a sealed secret', async () => {
    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    let stored: string[];
    try {
      const keys = await client.query<{ key_hash: string }>('select key_hash from api_keys');
      const factors = await client.query<{ secret_sealed: string | null }>(
        'select secret_sealed from totp_factors',
      );
      stored = [
        ...keys.rows.map((r) => r.key_hash),
        ...factors.rows.flatMap((r) => (r.secret_sealed ? [r.secret_sealed] : [])),
      ];
      expect(keys.rows.length).toBe(3);
      expect(stored.length).toBe(4);
    } finally {
      await client.end();
    }
    const apiKeys = {
      'API key a': t.keys.a,
      'API key b': t.keys.b,
      'API key a (audit)': t.keys.aAuditOnly,
    };
    const forbidden: [string, string][] = [
      ...Object.entries(apiKeys),
      ...Object.entries(apiKeys).flatMap(([name, key]) =>
        (['hex', 'base64', 'base64url'] as const).map((encoding): [string, string] => [
          `SHA-256 of ${name} (${encoding})`,
          createHash('sha256').update(key).digest(encoding),
        ]),
      ),
      ...stored.map((value, i): [string, string] => [
        `stored key hash or sealed secret #${i}`,
        value,
      ]),
      ['SECRET_KEY', t.secretKey],
      ['user_ref', USER_REF],
      ['label', LABEL],
      ['issuer', ISSUER],
      ['user_ref sent during the outage', OUTAGE_USER_REF],
      ['label sent during the outage', OUTAGE_LABEL],
      ...PHONE_FORMS.map((form): [string, string] => [`phone number as ${form}`, form]),
      ...secrets.map((value, i): [string, string] => [`TOTP secret or recovery code #${i}`, value]),
      // Short: looked for as a JSON value or an array item, not inside a timestamp.
      ...codes.map((code, i): [string, string] => [`code #${i}`, `"${code}"`]),
      ...codes.map((code, i): [string, string] => [`code #${i} in a list`, `,${code}`]),
    ];
    const logs = t.logs.join('\n');
    expect(forbidden.filter(([, value]) => logs.includes(value)).map(([name]) => name)).toEqual([]);
  });

  it('no log line holds SQL or its parameters', () => {
    const logs = t.logs.join('\n').toLowerCase();
    // drizzle's message is `Failed query: <sql>\nparams: <values>`; its fields `query`, `params`.
    const sql = ['params', '"query"', 'insert into', 'select ', 'update ', 'delete from', '$1'];
    expect(sql.filter((text) => logs.includes(text))).toEqual([]);
    expect(logs).toContain('failed query');
    // Nothing that looks like a sealed secret, a key, a hash or a secret key: no run of 43 or
    // more base64url characters (32 bytes) anywhere.
    expect(t.logs.join('\n').match(/[A-Za-z0-9_-]{43,}/g) ?? []).toEqual([]);
  });
});
