import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/kernel/clock.ts';
import { codeAt, type TotpParameters, timeStep } from '../../src/totp/factor.ts';
import { BACKENDS, settingsWith, startTestApp, type TestApp } from '../helpers/test-app.ts';

const SHA1_6_30: TotpParameters = { algorithm: 'sha1', digits: 6, period: 30 };

/** A clock the tests set to any instant: the drift window is judged by the server clock only. */
function settableClock(
  start: number,
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

interface Enrolment {
  id: string;
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
  status: string;
}

let users = 0;
const newUser = () => `user-${process.pid}-${++users}`;

async function enrol(t: TestApp, userRef: string, key = t.keys.a): Promise<Enrolment> {
  const response = await t.call('POST', '/v1/totp/factors', {
    key,
    body: { user_ref: userRef, label: `${userRef}@example.com`, issuer: 'Acme' },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Enrolment;
}

const codeNow = (clock: Clock, secret: string, offset = 0, p = SHA1_6_30) =>
  codeAt(secret, p, timeStep(clock.now(), p.period) + offset);

async function confirm(t: TestApp, id: string, code: string) {
  return t.call('POST', `/v1/totp/factors/${id}/confirm`, { body: { code } });
}

async function enrolAndConfirm(t: TestApp, clock: Clock, userRef = newUser()) {
  const factor = await enrol(t, userRef);
  const response = await confirm(t, factor.id, codeNow(clock, factor.secret));
  expect(response.status).toBe(200);
  const { recovery_codes } = (await response.json()) as { recovery_codes: string[] };
  return { userRef, factor, recoveryCodes: recovery_codes };
}

const verify = async (t: TestApp, userRef: string, code: string, key = t.keys.a) => {
  const response = await t.call('POST', '/v1/totp/verify', {
    key,
    body: { user_ref: userRef, code },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe.each(BACKENDS)('TOTP factors: $name', (backend) => {
  let t: TestApp;
  // Mid-step, so a test that does not move the clock never straddles a step boundary.
  const clock = settableClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
  beforeAll(async () => {
    if (backend.available) t = await startTestApp(backend, { clock });
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  test('enrol → confirm → verify; the confirming code and any accepted code are never accepted again', async () => {
    const userRef = newUser();
    const factor = await enrol(t, userRef);
    expect(factor.id).toMatch(/^tot_[A-Za-z0-9_-]{22}$/);
    expect(factor.status).toBe('unverified');
    // 160 bits of base32 = 32 characters.
    expect(factor.secret).toMatch(/^[A-Z2-7]{32,}$/);
    const uri = new URL(factor.otpauth_uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/Acme:${userRef}@example.com`);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: factor.secret,
      issuer: 'Acme',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(factor.qr_svg.startsWith('<svg')).toBe(true);

    // Not verifiable before it is confirmed.
    expect((await verify(t, userRef, codeNow(clock, factor.secret))).status).toBe(404);
    const wrong = await confirm(t, factor.id, codeNow(clock, factor.secret, 5));
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ code: 'invalid_code' });
    expect((await confirm(t, factor.id, '12')).status).toBe(422);

    const code = codeNow(clock, factor.secret);
    const confirmed = await confirm(t, factor.id, code);
    expect(confirmed.status).toBe(200);
    const body = (await confirmed.json()) as { status: string; recovery_codes: string[] };
    expect(body.status).toBe('verified');
    expect(body.recovery_codes).toHaveLength(10);
    expect(new Set(body.recovery_codes).size).toBe(10);
    expect((await confirm(t, factor.id, code)).status).toBe(409);

    // The step used to confirm is spent (RFC 6238 §5.2).
    expect(await verify(t, userRef, code)).toEqual({
      status: 200,
      body: { valid: false, factor_id: null, method: 'totp' },
    });
    clock.advance(30_000);
    const next = codeNow(clock, factor.secret);
    expect(await verify(t, userRef, next)).toEqual({
      status: 200,
      body: { valid: true, factor_id: factor.id, method: 'totp' },
    });
    expect((await verify(t, userRef, next)).body.valid).toBe(false);
    expect((await verify(t, userRef, 'not a code!')).status).toBe(422);

    const list = await t.call('GET', `/v1/totp/factors?user_ref=${encodeURIComponent(userRef)}`);
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { factors: Record<string, unknown>[] };
    expect(listed.factors).toHaveLength(1);
    expect(listed.factors[0]).toMatchObject({
      id: factor.id,
      status: 'verified',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      recovery_codes_remaining: 10,
    });
    expect(JSON.stringify(listed)).not.toContain(factor.secret);
  });

  test('drift: ±1 step accepted and ±2 refused, at both edges of the current step', async () => {
    const { userRef, factor } = await enrolAndConfirm(t, clock);
    const { secret } = factor;
    const step = timeStep(clock.now(), 30) + 10;
    // First millisecond of the step: the previous step is still in, the one before is not.
    clock.set(step * 30_000);
    expect((await verify(t, userRef, codeAt(secret, SHA1_6_30, step - 2))).body.valid).toBe(false);
    expect((await verify(t, userRef, codeAt(secret, SHA1_6_30, step - 1))).body.valid).toBe(true);
    // Last millisecond of the step: the next step is in, the one after is not.
    clock.set(step * 30_000 + 29_999);
    expect((await verify(t, userRef, codeAt(secret, SHA1_6_30, step + 2))).body.valid).toBe(false);
    expect((await verify(t, userRef, codeAt(secret, SHA1_6_30, step + 1))).body.valid).toBe(true);
    // Once step + 1 is accepted, the current step (lower) is a replay too.
    expect((await verify(t, userRef, codeAt(secret, SHA1_6_30, step))).body.valid).toBe(false);
    clock.set(step * 30_000 + 15_000);
  });

  test('threat: 10 parallel verifications with the same code give exactly one valid: true', async () => {
    const { userRef, factor } = await enrolAndConfirm(t, clock);
    clock.advance(30_000);
    const code = codeNow(clock, factor.secret);
    const answers = await Promise.all(Array.from({ length: 10 }, () => verify(t, userRef, code)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.body.valid === true)).toHaveLength(1);
  });

  test('recovery codes are accepted in the code field, each once, even in parallel', async () => {
    const { userRef, factor, recoveryCodes } = await enrolAndConfirm(t, clock);
    const [first, second, third] = recoveryCodes as [string, string, string];
    expect(await verify(t, userRef, first)).toEqual({
      status: 200,
      body: { valid: true, factor_id: factor.id, method: 'recovery_code' },
    });
    expect(await verify(t, userRef, first)).toEqual({
      status: 200,
      body: { valid: false, factor_id: null, method: 'recovery_code' },
    });
    // Typed in capitals, with a space instead of the dash.
    expect((await verify(t, userRef, second.toUpperCase().replace('-', ' '))).body.valid).toBe(
      true,
    );
    const parallel = await Promise.all(Array.from({ length: 5 }, () => verify(t, userRef, third)));
    expect(parallel.filter((a) => a.body.valid === true)).toHaveLength(1);
    const list = await t.call('GET', `/v1/totp/factors?user_ref=${userRef}`);
    const { factors } = (await list.json()) as { factors: { recovery_codes_remaining: number }[] };
    expect(factors[0]?.recovery_codes_remaining).toBe(7);
  });

  test("another app's factor is invisible: 404 on confirm, verify and delete, empty list", async () => {
    const userRef = newUser();
    const factor = await enrol(t, userRef);
    const other = { key: t.keys.b };
    const code = codeNow(clock, factor.secret);
    const confirmAsB = await t.call('POST', `/v1/totp/factors/${factor.id}/confirm`, {
      ...other,
      body: { code },
    });
    expect(confirmAsB.status).toBe(404);
    expect(await confirmAsB.json()).toMatchObject({ code: 'factor_not_found' });
    expect((await confirm(t, factor.id, code)).status).toBe(200);
    expect((await verify(t, userRef, codeNow(clock, factor.secret, 1), t.keys.b)).status).toBe(404);
    expect((await t.call('DELETE', `/v1/totp/factors/${factor.id}`, other)).status).toBe(404);
    const list = await t.call('GET', `/v1/totp/factors?user_ref=${userRef}`, other);
    expect(await list.json()).toEqual({ factors: [] });
    expect((await t.call('GET', '/v1/totp/factors?user_ref=x', { key: null })).status).toBe(401);
    expect(
      (await t.call('GET', '/v1/totp/factors?user_ref=x', { key: t.keys.aAuditOnly })).status,
    ).toBe(403);
  });

  test('delete: the factor stops verifying at once and leaves the list', async () => {
    const { userRef, factor, recoveryCodes } = await enrolAndConfirm(t, clock);
    const deleted = await t.call('DELETE', `/v1/totp/factors/${factor.id}`);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ id: factor.id, status: 'deleted' });
    expect((await verify(t, userRef, codeNow(clock, factor.secret, 1))).status).toBe(404);
    expect((await verify(t, userRef, recoveryCodes[0] as string)).status).toBe(404);
    expect((await t.call('DELETE', `/v1/totp/factors/${factor.id}`)).status).toBe(404);
    const list = await t.call('GET', `/v1/totp/factors?user_ref=${userRef}`);
    expect(await list.json()).toEqual({ factors: [] });
  });

  test('no log line holds a secret or a recovery code', async () => {
    const { userRef, factor, recoveryCodes } = await enrolAndConfirm(t, clock);
    await verify(t, userRef, recoveryCodes[0] as string);
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [factor.secret, ...recoveryCodes]) expect(logs).not.toContain(secret);
  });
});

describe.each(BACKENDS)('TOTP per-app settings and limits: $name', (backend) => {
  let t: TestApp;
  const clock = settableClock(Math.floor(Date.now() / 60_000) * 60_000 + 20_000);
  beforeAll(async () => {
    if (backend.available) {
      t = await startTestApp(backend, {
        clock,
        settings: settingsWith({
          limits: { phoneFailedChecksHour: 3 },
          totp: { algorithm: 'sha256', digits: 8, period: 60 },
        }),
      });
    }
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  const SHA256_8_60: TotpParameters = { algorithm: 'sha256', digits: 8, period: 60 };

  test('an app set to SHA-256, 8 digits, 60 s enrols and verifies with them', async () => {
    const userRef = newUser();
    const factor = await enrol(t, userRef);
    expect(Object.fromEntries(new URL(factor.otpauth_uri).searchParams)).toMatchObject({
      algorithm: 'SHA256',
      digits: '8',
      period: '60',
    });
    // A 6-digit SHA-1 code is not even the right shape for this factor.
    expect((await confirm(t, factor.id, codeNow(clock, factor.secret))).status).toBe(422);
    expect(
      (await confirm(t, factor.id, codeNow(clock, factor.secret, 0, SHA256_8_60))).status,
    ).toBe(200);
    clock.advance(60_000);
    expect(
      (await verify(t, userRef, codeNow(clock, factor.secret, 0, SHA256_8_60))).body.valid,
    ).toBe(true);
  });

  test("failed attempts share the SMS checks' limit: the 4th of 3 allowed is a 429, right or wrong", async () => {
    const userRef = newUser();
    const factor = await enrol(t, userRef);
    expect(
      (await confirm(t, factor.id, codeNow(clock, factor.secret, 0, SHA256_8_60))).status,
    ).toBe(200);
    clock.advance(60_000);
    const right = codeNow(clock, factor.secret, 0, SHA256_8_60);
    const wrong = right === '00000000' ? '00000001' : '00000000';
    for (let i = 0; i < 3; i++) expect((await verify(t, userRef, wrong)).body.valid).toBe(false);
    const refused = await verify(t, userRef, right);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate_limited', limit: 'phone_failed_checks' });
    // Another user of the same app is not affected.
    const other = await enrolAndConfirmSha256(t, clock);
    clock.advance(60_000);
    expect(
      (await verify(t, other.userRef, codeNow(clock, other.secret, 0, SHA256_8_60))).body.valid,
    ).toBe(true);
  });

  async function enrolAndConfirmSha256(t: TestApp, clock: Clock) {
    const userRef = newUser();
    const factor = await enrol(t, userRef);
    const response = await confirm(t, factor.id, codeNow(clock, factor.secret, 0, SHA256_8_60));
    expect(response.status).toBe(200);
    return { userRef, secret: factor.secret };
  }
});

describe.skipIf(!BACKENDS[0]?.available)('TOTP at rest in Postgres', () => {
  let t: TestApp;
  const clock = settableClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
  const secrets: string[] = [];
  const recovery: string[] = [];
  let lockedUser = '';
  beforeAll(async () => {
    t = await startTestApp(BACKENDS[0] as (typeof BACKENDS)[0], { clock });
    for (let i = 0; i < 2; i++) {
      const { userRef, factor, recoveryCodes } = await enrolAndConfirm(t, clock);
      secrets.push(factor.secret);
      recovery.push(...recoveryCodes);
      clock.advance(30_000);
      await verify(t, userRef, codeNow(clock, factor.secret));
      await verify(t, userRef, '000000');
      await verify(t, userRef, recoveryCodes[0] as string);
      lockedUser = userRef;
    }
    const unconfirmed = await enrol(t, newUser());
    secrets.push(unconfirmed.secret);
    const deleted = await enrolAndConfirm(t, clock);
    secrets.push(deleted.factor.secret);
    await t.call('DELETE', `/v1/totp/factors/${deleted.factor.id}`);
  });
  afterAll(async () => t?.close());

  /** Every form a 160-bit secret could take at rest: base32, hex, base64. */
  function forms(secret: string): string[] {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const char of secret) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
    const bytes = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
    return [
      secret,
      secret.toLowerCase(),
      bytes.toString('hex'),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
    ];
  }

  it('a full pg_dump holds no clear secret and no clear recovery code', async () => {
    // Let audit rows committed later (deletion) reach Postgres.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const dump = execFileSync('pg_dump', ['--no-owner', '--data-only', t.databaseUrl as string], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(dump).toContain('totp_factors');
    expect(dump).toContain('$argon2id$');
    for (const secret of secrets)
      for (const form of forms(secret)) expect(dump).not.toContain(form);
    for (const code of recovery) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace('-', ''));
    }
  });

  it('every decision is in the audit trail, with the user only as an HMAC', async () => {
    expect(
      (await t.call('GET', `/v1/totp/factors?user_ref=${encodeURIComponent(lockedUser)}`)).status,
    ).toBe(200);
    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    try {
      const rows = await client.query<{ type: string; outcome: string; reason: string | null }>(
        `select type, outcome, reason, detail::text as detail from audit_events where type like 'totp.%'`,
      );
      const types = new Set(rows.rows.map((r) => r.type));
      expect([...types].sort()).toEqual(
        [
          'totp.confirmed',
          'totp.deleted',
          'totp.enrolled',
          'totp.failed',
          'totp.listed',
          'totp.verified',
        ].sort(),
      );
      expect(rows.rows.some((r) => r.type === 'totp.failed' && r.reason === 'wrong_code')).toBe(
        true,
      );
      expect(JSON.stringify(rows.rows)).not.toContain(lockedUser);
    } finally {
      await client.end();
    }
  });

  it('NIST SP 800-63B 5.2.2: after 100 consecutive failures the factor is locked (423), even for the right code', async () => {
    const { userRef, factor } = await enrolAndConfirm(t, clock);
    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    try {
      await client.query('update totp_factors set failed_attempts = 100 where id = $1', [
        factor.id,
      ]);
    } finally {
      await client.end();
    }
    clock.advance(30_000);
    const refused = await verify(t, userRef, codeNow(clock, factor.secret));
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({ code: 'factor_locked' });
  });
});
