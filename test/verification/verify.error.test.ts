import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const TO = '+33612345678';

describe.each(BACKENDS)('verifications, refused input changes nothing: $name', (backend) => {
  let t: TestApp;
  let redis: Redis | null = null;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    if (backend.real) redis = new Redis(redisUrl as string);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });
  const test = backend.available ? it : it.skip;

  /** Nothing sent, nothing stored: the console route printed nothing and Redis holds no key. */
  async function expectNothingChanged(printedBefore: number) {
    expect(t.printed.length).toBe(printedBefore);
    if (redis && t.redisKeyPrefix) expect(await scanKeys(redis, t.redisKeyPrefix)).toEqual([]);
  }

  async function expectProblem(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code, type: `https://tessera.dev/problems/${code}` });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    return body;
  }

  test('a body that is not JSON is a 400 invalid_request', async () => {
    await expectProblem(
      await t.call('POST', '/v1/verify', { raw: '{"to": "+336' }),
      400,
      'invalid_request',
    );
    await expectNothingChanged(0);
  });

  test.each([
    ['missing to', {}, 'to'],
    ['to of the wrong type', { to: 33612345678 }, 'to'],
    ['code_length 3', { to: TO, code_length: 3 }, 'code_length'],
    ['code_length 11', { to: TO, code_length: 11 }, 'code_length'],
    ['ttl_seconds 59', { to: TO, ttl_seconds: 59 }, 'ttl_seconds'],
    ['ttl_seconds 1801', { to: TO, ttl_seconds: 1801 }, 'ttl_seconds'],
    ['unknown purpose', { to: TO, purpose: 'marketing' }, 'purpose'],
    ['unknown channel', { to: TO, channel: 'voice' }, 'channel'],
    ['unknown locale', { to: TO, locale: 'de' }, 'locale'],
    ['bad country', { to: '0612345678', country: 'FRA' }, 'country'],
    ['bad client ip', { to: TO, client: { ip: 'not-an-ip' } }, 'client.ip'],
    ['unknown field', { to: TO, pin: '1234' }, '(body)'],
  ])('schema violation (%s) is a 400 naming the field', async (_name, body, field) => {
    const problem = await expectProblem(
      await t.call('POST', '/v1/verify', { body }),
      400,
      'invalid_request',
    );
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(field);
    await expectNothingChanged(0);
  });

  test.each([
    ['not a number', 'hello'],
    ['too short', '+3361234'],
    ['a French landline', '+33 1 23 45 67 89'],
    ['a premium-rate number', '+33 8 99 12 34 56'],
    ['a national number without country', '0612345678'],
  ])('%s is a 422 invalid_phone_number', async (_name, to) => {
    await expectProblem(
      await t.call('POST', '/v1/verify', { body: { to } }),
      422,
      'invalid_phone_number',
    );
    await expectNothingChanged(0);
  });

  test('without a JSON content type the body is refused (415)', async () => {
    const response = await t.app.request('/v1/verify', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.a}`, 'content-type': 'text/plain' },
      body: JSON.stringify({ to: TO }),
    });
    await expectProblem(response, 415, 'unsupported_media_type');
    await expectNothingChanged(0);
  });

  test('no key, an unknown key and a key without the verify scope are refused before anything', async () => {
    await expectProblem(
      await t.call('POST', '/v1/verify', { key: null, body: { to: TO } }),
      401,
      'unauthorized',
    );
    await expectProblem(
      await t.call('POST', '/v1/verify', {
        key: 'tsk_not-a-real-key-at-all-000000000000',
        body: { to: TO },
      }),
      401,
      'unauthorized',
    );
    await expectProblem(
      await t.call('POST', '/v1/verify', { key: t.keys.aAuditOnly, body: { to: TO } }),
      403,
      'forbidden',
    );
    await expectNothingChanged(0);
  });

  describe('on an existing verification', () => {
    let id: string;
    beforeAll(async () => {
      if (!backend.available) return;
      const sent = await t.call('POST', '/v1/verify', { body: { to: TO } });
      id = ((await sent.json()) as { id: string }).id;
    });

    const attemptsRemaining = async () =>
      ((await (await t.call('GET', `/v1/verify/${id}`)).json()) as { attempts_remaining: number })
        .attempts_remaining;

    test.each([['12345'], ['1234567'], ['12a456'], ['١٢٣٤٥٦'], [' 12345'], ['']])(
      'a malformed code (%j) is a 422 invalid_code_format and spends no attempt',
      async (code) => {
        await expectProblem(
          await t.call('POST', `/v1/verify/${id}/check`, { body: { code } }),
          422,
          'invalid_code_format',
        );
        expect(await attemptsRemaining()).toBe(5);
      },
    );

    test('a check body that breaks the schema spends no attempt', async () => {
      await expectProblem(
        await t.call('POST', `/v1/verify/${id}/check`, { body: { code: 123456 } }),
        400,
        'invalid_request',
      );
      await expectProblem(
        await t.call('POST', `/v1/verify/${id}/check`, { raw: 'code=123456' }),
        400,
        'invalid_request',
      );
      expect(await attemptsRemaining()).toBe(5);
    });

    test("another app's key sees nothing: 404 on every operation", async () => {
      const other = { key: t.keys.b };
      await expectProblem(
        await t.call('GET', `/v1/verify/${id}`, other),
        404,
        'verification_not_found',
      );
      await expectProblem(
        await t.call('POST', `/v1/verify/${id}/check`, { ...other, body: { code: '123456' } }),
        404,
        'verification_not_found',
      );
      await expectProblem(
        await t.call('POST', `/v1/verify/${id}/resend`, other),
        404,
        'verification_not_found',
      );
      await expectProblem(
        await t.call('DELETE', `/v1/verify/${id}`, other),
        404,
        'verification_not_found',
      );
      const outbox = await t.call('GET', `/v1/dev/outbox?to=${encodeURIComponent(TO)}`, other);
      expect(await outbox.json()).toEqual({ messages: [] });
      // ...and app A's verification is untouched.
      expect(await (await t.call('GET', `/v1/verify/${id}`)).json()).toMatchObject({
        status: 'pending',
        attempts_remaining: 5,
        send_count: 1,
      });
    });

    test('an unknown id is a 404', async () => {
      await expectProblem(
        await t.call('GET', '/v1/verify/ver_AAAAAAAAAAAAAAAAAAAAAA'),
        404,
        'verification_not_found',
      );
      await expectProblem(
        await t.call('POST', '/v1/verify/ver_AAAAAAAAAAAAAAAAAAAAAA/check', {
          body: { code: '123456' },
        }),
        404,
        'verification_not_found',
      );
    });
  });
});
