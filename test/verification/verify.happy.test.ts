import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

const TO = '+33612345678';

describe.each(BACKENDS)('verifications, happy paths: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  beforeAll(async () => {
    if (backend.available)
      t = await startTestApp(backend, {
        clock,
        env: { WEBOTP_DOMAIN: 'shop.example.com' },
        // The contract's cooldown between sends to a number (these tests all send to TO).
        settings: settingsWith({ limits: { resendCooldownSeconds: 30 } }),
      });
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  // Each test starts once the cooldown of the previous one's last send to TO is over.
  beforeEach(() => clock.advance(30_000));

  const send = async (body: Record<string, unknown>, key?: string) => {
    const response = await t.call('POST', '/v1/verify', { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const check = async (id: unknown, code: string, key?: string) => {
    const response = await t.call('POST', `/v1/verify/${id}/check`, {
      body: { code },
      ...(key ? { key } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('sends a code and approves it once', async () => {
    const sent = await send({ to: TO });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      status: 'pending',
      to: '+33 6•• •• •• 78',
      channel: 'sms',
      purpose: 'login',
      attempts_remaining: 5,
      send_count: 1,
      delivery: { status: 'sent', route: 'console' },
    });
    expect(sent.body.id).toMatch(/^ver_[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(sent.body.expires_at as string) - clock.now()).toBe(600_000);
    expect(Date.parse(sent.body.resend_available_at as string) - clock.now()).toBe(30_000);

    const code = await t.lastCode(TO);
    expect(code).toMatch(/^\d{6}$/);
    expect(await check(sent.body.id, code)).toEqual({
      status: 200,
      body: { id: sent.body.id, status: 'approved', valid: true, attempts_remaining: 4 },
    });
    // Used up: the right code never approves again.
    expect((await check(sent.body.id, code)).body).toMatchObject({
      valid: false,
      status: 'approved',
    });
    const read = await t.call('GET', `/v1/verify/${sent.body.id}`);
    expect(await read.json()).toMatchObject({ status: 'approved' });
  });

  test('the message: brand, code, validity, do-not-share, WebOTP line, in French or English', async () => {
    await send({ to: TO, locale: 'fr', ttl_seconds: 300, purpose: 'signup' });
    const fr = t.printed.at(-1) as string;
    const code = await t.lastCode(TO);
    expect(fr).toContain(`Tessera : votre code est ${code}. Valable 5 min. Ne le partagez jamais.`);
    expect(fr.trimEnd().endsWith(`@shop.example.com #${code}`)).toBe(true);

    clock.advance(30_000);
    await send({ to: TO, locale: 'en', code_length: 8, purpose: 'transaction' });
    const en = await t.lastCode(TO);
    expect(en).toMatch(/^\d{8}$/);
    expect(t.printed.at(-1)).toContain(
      `Tessera: your code is ${en}. Valid for 10 min. Never share it.`,
    );
  });

  test('four spellings of one number are one number: a new send cancels the pending one', async () => {
    const spellings = [
      { to: '+33612345678' },
      { to: '0033612345678' },
      { to: '06 12 34 56 78', country: 'FR' },
      { to: '+33 6-12-34-56-78' },
    ];
    const ids: unknown[] = [];
    for (const spelling of spellings) {
      const sent = await send({ ...spelling, purpose: 'password_reset' });
      expect(sent.status).toBe(201);
      expect(sent.body.to).toBe('+33 6•• •• •• 78');
      ids.push(sent.body.id);
      clock.advance(30_000);
    }
    const statuses = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await t.call('GET', `/v1/verify/${id}`)).json()) as { status: string }).status,
      ),
    );
    expect(statuses).toEqual(['canceled', 'canceled', 'canceled', 'pending']);
    const code = await t.lastCode(TO);
    expect((await check(ids[0], code)).body).toMatchObject({ valid: false, status: 'canceled' });
    expect((await check(ids[3], code)).body).toMatchObject({ valid: true, status: 'approved' });
  });

  test('resend: a new code after the cooldown, the old one dead, attempts not refilled', async () => {
    const sent = await send({ to: TO, purpose: 'lead' });
    const first = await t.lastCode(TO);
    const wrong = first === '000000' ? '111111' : '000000';
    expect((await check(sent.body.id, wrong)).body).toMatchObject({
      valid: false,
      attempts_remaining: 4,
    });

    clock.advance(12_000);
    const early = await t.call('POST', `/v1/verify/${sent.body.id}/resend`);
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('18');
    expect(await early.json()).toMatchObject({ code: 'rate_limited', limit: 'resend_cooldown' });

    clock.advance(18_000);
    const resent = await t.call('POST', `/v1/verify/${sent.body.id}/resend`);
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({
      send_count: 2,
      attempts_remaining: 4,
      status: 'pending',
    });
    const second = await t.lastCode(TO);

    if (second !== first) {
      expect((await check(sent.body.id, first)).body).toMatchObject({
        valid: false,
        attempts_remaining: 3,
      });
    }
    expect((await check(sent.body.id, second)).body).toMatchObject({
      valid: true,
      status: 'approved',
    });
  });

  test('at most 5 sends per verification', async () => {
    const sent = await send({ to: TO, purpose: 'other' });
    for (let i = 2; i <= 5; i++) {
      clock.advance(30_000);
      expect((await t.call('POST', `/v1/verify/${sent.body.id}/resend`)).status).toBe(200);
    }
    clock.advance(30_000);
    const sixth = await t.call('POST', `/v1/verify/${sent.body.id}/resend`);
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toMatchObject({ limit: 'verification_sends' });
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('five wrong codes end the verification; the right code then fails', async () => {
    const sent = await send({ to: TO, purpose: 'signature' });
    const code = await t.lastCode(TO);
    const wrong = code === '999999' ? '888888' : '999999';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await check(sent.body.id, wrong)).body);
    expect(answers.map((a) => a.attempts_remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(answers.at(-1)).toMatchObject({ status: 'max_attempts_reached', valid: false });
    expect((await check(sent.body.id, code)).body).toMatchObject({
      valid: false,
      status: 'max_attempts_reached',
    });
  });

  test('expiry: after its TTL a code no longer works', async () => {
    const sent = await send({ to: TO, purpose: 'login', ttl_seconds: 60 });
    const code = await t.lastCode(TO);
    clock.advance(60_000);
    expect((await check(sent.body.id, code)).body).toMatchObject({
      valid: false,
      status: 'expired',
    });
    const resend = await t.call('POST', `/v1/verify/${sent.body.id}/resend`);
    expect(resend.status).toBe(409);
    expect(await resend.json()).toMatchObject({ code: 'verification_closed' });
  });

  test('cancel: DELETE makes it canceled and its code useless', async () => {
    const sent = await send({ to: TO, purpose: 'login' });
    const code = await t.lastCode(TO);
    const deleted = await t.call('DELETE', `/v1/verify/${sent.body.id}`);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ status: 'canceled' });
    expect((await check(sent.body.id, code)).body).toMatchObject({
      valid: false,
      status: 'canceled',
    });
  });

  test('operations: health, readiness, metrics, docs', async () => {
    expect(await (await t.call('GET', '/healthz', { key: null })).json()).toEqual({ status: 'ok' });
    expect(await (await t.call('GET', '/readyz', { key: null })).json()).toEqual({
      status: 'ok',
      checks: { codes: 'ok', database: 'ok' },
    });
    const metrics = await (await t.call('GET', '/metrics', { key: null })).text();
    expect(metrics).toMatch(/tessera_verifications_started_total\{purpose="login"\} [1-9]/);
    expect(metrics).toMatch(/tessera_checks_total\{outcome="approved"\} [1-9]/);
    expect(metrics).toMatch(/tessera_sms_total\{route="console",outcome="sent"\} [1-9]/);
    // Every answer above waited for its audit rows: the waits and the batches are counted.
    expect(metrics).toMatch(/tessera_audit_commit_wait_seconds_count [1-9]/);
    expect(metrics).toMatch(/tessera_audit_batch_events_count [1-9]/);
    const docs = await t.call('GET', '/docs', { key: null });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/assets/swagger-ui-bundle.js');
  });
});

describe('METRICS_TOKEN: /metrics for the scraper that holds the token only', () => {
  const token = 'metrics-token-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(BACKENDS[1] as (typeof BACKENDS)[1], { env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => t?.close());

  it('answers 401 problem+json without the token or with another, and the metrics with it', async () => {
    for (const key of [null, 'metrics-token-0123456789abcdeX', t.keys.a]) {
      const refused = await t.call('GET', '/metrics', { key });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'unauthorized' });
    }
    const metrics = await t.call('GET', '/metrics', { key: token });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('tessera_http_request_duration_seconds');
  });
});
