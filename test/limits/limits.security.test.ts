import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, settingsWith, startTestApp, type TestApp } from '../helpers/test-app.ts';

/** Distinct valid French mobiles, so tests do not share per-number budgets by accident. */
let serial = 10_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;
const SPELLINGS = (national8: string) => [
  { to: `+336${national8}` },
  { to: `00336${national8}` },
  { to: `06 ${national8.replace(/(\d{2})(?=\d)/g, '$1 ')}`, country: 'FR' },
  { to: `+33 6-${national8.replace(/(\d{2})(?=\d)/g, '$1-')}` },
];

describe.each(BACKENDS)('limits: $name', (backend) => {
  let t: TestApp;
  let appId: string;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { settings: {} });
    appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  /** Each test states the limits it is about; the others are out of its way. */
  const useLimits = (limits: Record<string, number>) =>
    t.runtime.modules.access.updateApp(appId, { settings: settingsWith({ limits }) }, []);

  const send = (body: Record<string, unknown>) => t.call('POST', '/v1/verify', { body });
  const checkCode = (id: string, code: string, ip = '198.51.100.1') =>
    t.call('POST', `/v1/verify/${id}/check`, { body: { code, client: { ip } } });
  /** A code that is surely not `code`. */
  const wrongFor = (code: string) => (code === '000000' ? '000001' : '000000');
  /** Sends a code to `to` and reads it off the outbox, with a wrong guess to go with it. */
  const sendAndRead = async (to: string, purpose = 'login') => {
    const { id } = (await (await send({ to, purpose })).json()) as { id: string };
    const code = await t.lastCode(to);
    return { id, code, wrong: wrongFor(code) };
  };

  async function expect429(response: Response, limit: string, code = 'rate_limited') {
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ status: 429, code, limit });
    return retryAfter;
  }

  beforeEach(async () => {
    if (backend.available) await useLimits({});
  });

  test('threat: a number gets at most 5 codes an hour, whichever way it is spelled', async () => {
    await useLimits({ phoneSendHour: 5 });
    const national = String(serial++).padStart(8, '0');
    const purposes = ['login', 'signup', 'password_reset', 'transaction', 'lead'];
    for (const [i, purpose] of purposes.entries()) {
      const spelling = SPELLINGS(national)[i % 4];
      expect((await send({ ...spelling, purpose, client: { ip: `203.0.113.${i}` } })).status).toBe(
        201,
      );
    }
    const retryAfter = await expect429(
      await send({ to: `+336${national}`, purpose: 'other' }),
      'phone_send_hour',
    );
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  test('threat: a number gets at most 10 codes a day', async () => {
    await useLimits({ phoneSendDay: 10 });
    const to = freshNumber();
    for (let i = 0; i < 10; i++) expect((await send({ to, purpose: 'login' })).status).toBe(201);
    const retryAfter = await expect429(await send({ to }), 'phone_send_day');
    expect(retryAfter).toBeGreaterThan(3600);
  });

  test('threat: one client IP sends at most 20 codes an hour, to any numbers', async () => {
    await useLimits({ ipSendHour: 20 });
    const client = { ip: '203.0.113.77' };
    for (let i = 0; i < 20; i++)
      expect((await send({ to: freshNumber(), client })).status).toBe(201);
    await expect429(await send({ to: freshNumber(), client }), 'ip_send_hour');
    expect((await send({ to: freshNumber(), client: { ip: '203.0.113.78' } })).status).toBe(201);
  });

  test("threat: SMS pumping cannot exceed the app's daily budget", async () => {
    // app-b has sent nothing today: its budget of 3 is whole.
    const appB = (await t.runtime.modules.access.ensureApp('app-b')).id;
    await t.runtime.modules.access.updateApp(
      appB,
      { settings: { limits: { appDailyBudget: 3 } } },
      [],
    );
    const sendB = () =>
      t.call('POST', '/v1/verify', { key: t.keys.b, body: { to: freshNumber() } });
    for (let i = 0; i < 3; i++) expect((await sendB()).status).toBe(201);
    await expect429(await sendB(), 'app_daily_budget', 'budget_exceeded');
  });

  test('a refused send spends nothing: no hash, no SMS, and no budget of the other limits', async () => {
    await useLimits({ ipSendHour: 1, phoneSendHour: 1 });
    const client = { ip: '203.0.113.90' };
    expect((await send({ to: freshNumber(), client })).status).toBe(201);
    const hasher = t.runtime.modules.verification.hasher;
    const realHash = hasher.hash;
    let hashes = 0;
    hasher.hash = (code) => {
      hashes += 1;
      return realHash(code);
    };
    try {
      const printed = t.printed.length;
      const victim = freshNumber();
      await expect429(await send({ to: victim, client }), 'ip_send_hour');
      expect(hashes).toBe(0);
      expect(t.printed.length).toBe(printed);
      // The victim's own hourly budget (1) was given back: another client can still reach it.
      expect((await send({ to: victim, client: { ip: '203.0.113.91' } })).status).toBe(201);
    } finally {
      hasher.hash = realHash;
    }
  });

  test('threat: 50 parallel sends to one number never pass its limit', async () => {
    await useLimits({ phoneSendHour: 5 });
    const to = freshNumber();
    const printed = t.printed.length;
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send({ to, purpose: i % 2 ? 'login' : 'signup', client: { ip: `198.51.100.${i}` } }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45);
    expect(t.printed.length - printed).toBe(5);
  });

  test('threat: failed checks of a number add up across verifications and resends, then lock it', async () => {
    await useLimits({ phoneFailedChecksHour: 10 });
    const to = freshNumber();
    let failures = 0;
    let last = { id: '', code: '' };
    for (let v = 0; v < 3 && failures < 10; v++) {
      last = await sendAndRead(to);
      for (let i = 0; i < 5 && failures < 10; i++) {
        expect((await checkCode(last.id, wrongFor(last.code))).status).toBe(200);
        failures += 1;
      }
    }
    const { id: freshId, code } = await sendAndRead(to, 'signup');
    // The 11th check, even with the right code, is refused and not evaluated.
    await expect429(await checkCode(freshId, code), 'phone_failed_checks');
    expect(await (await t.call('GET', `/v1/verify/${freshId}`)).json()).toMatchObject({
      attempts_remaining: 5,
      status: 'pending',
    });
  });

  test('a success clears the failed-check count of the number', async () => {
    await useLimits({ phoneFailedChecksHour: 3 });
    const to = freshNumber();
    const first = await sendAndRead(to);
    await checkCode(first.id, first.wrong);
    await checkCode(first.id, first.wrong);
    expect(await (await checkCode(first.id, first.code)).json()).toMatchObject({ valid: true });
    const second = await sendAndRead(to, 'signup');
    for (let i = 0; i < 3; i++) expect((await checkCode(second.id, second.wrong)).status).toBe(200);
    await expect429(await checkCode(second.id, second.code), 'phone_failed_checks');
  });

  test('threat: one client IP gets at most its hourly number of checks', async () => {
    await useLimits({ ipCheckHour: 3 });
    const sent = await sendAndRead(freshNumber());
    const { code, wrong } = sent;
    for (let i = 0; i < 3; i++)
      expect((await checkCode(sent.id, wrong, '192.0.2.9')).status).toBe(200);
    await expect429(await checkCode(sent.id, code, '192.0.2.9'), 'ip_check_hour');
    expect(await (await checkCode(sent.id, code, '192.0.2.10')).json()).toMatchObject({
      valid: true,
    });
  });

  test('threat: 30 parallel wrong guesses: no more evaluated than the failed-check budget', async () => {
    await useLimits({ phoneFailedChecksHour: 3 });
    const sent = await sendAndRead(freshNumber());
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => checkCode(sent.id, sent.wrong, `192.0.2.${100 + i}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(27);
    // At most 3 guesses were evaluated: the refused ones gave back the attempts they counted.
    const after = (await (await t.call('GET', `/v1/verify/${sent.id}`)).json()) as {
      attempts_remaining: number;
    };
    expect(after.attempts_remaining).toBeGreaterThanOrEqual(2);
  });

  test('a check refused by a limit spends no attempt of the verification', async () => {
    await useLimits({ ipCheckHour: 1 });
    const sent = await sendAndRead(freshNumber());
    const { code, wrong } = sent;
    expect(await (await checkCode(sent.id, wrong, '192.0.2.20')).json()).toMatchObject({
      attempts_remaining: 4,
    });
    for (let i = 0; i < 3; i++) {
      await expect429(await checkCode(sent.id, wrong, '192.0.2.20'), 'ip_check_hour');
    }
    // From another address: still 4 attempts left before this one, none taken by the refusals.
    expect(await (await checkCode(sent.id, code, '192.0.2.21')).json()).toMatchObject({
      valid: true,
      attempts_remaining: 3,
    });
  });

  test("the resend cooldown is the app's own, in the answer and in the refusal", async () => {
    await useLimits({ resendCooldownSeconds: 10 });
    const sent = (await (await send({ to: freshNumber() })).json()) as Record<string, string>;
    expect(
      Date.parse(sent.resend_available_at as string) - Date.parse(sent.created_at as string),
    ).toBe(10_000);
    const early = await t.call('POST', `/v1/verify/${sent.id}/resend`);
    expect(await expect429(early, 'resend_cooldown')).toBeLessThanOrEqual(10);
  });

  test('a resend is a send: it counts against the number and waits for the cooldown', async () => {
    await useLimits({ phoneSendHour: 2, resendCooldownSeconds: 0 });
    const to = freshNumber();
    const sent = (await (await send({ to })).json()) as { id: string };
    expect((await t.call('POST', `/v1/verify/${sent.id}/resend`)).status).toBe(200);
    await expect429(await t.call('POST', `/v1/verify/${sent.id}/resend`), 'phone_send_hour');
  });
});
