import { Redis } from 'ioredis';
import pg from 'pg';
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

describe.skipIf(!BACKENDS[0]?.available)(
  'a bug in a query is a 500 that tells nothing, not a 503 (real Postgres)',
  () => {
    let t: TestApp;
    let admin: pg.Client;
    beforeAll(async () => {
      t = await startTestApp(BACKENDS[0] as (typeof BACKENDS)[0]);
      admin = new pg.Client({ connectionString: t.databaseUrl as string });
      await admin.connect();
    });
    afterAll(async () => {
      await admin?.end();
      await t?.close();
    });

    /**
     * Postgres refuses audit rows of `type` with SQLSTATE `state` (a trigger in this test's own
     * database) until the returned function is called: drizzle hands the error back wrapped.
     */
    async function refuseAuditRows(type: string, state: string): Promise<() => Promise<void>> {
      await admin.query(`create function test_refuse_audit() returns trigger language plpgsql as $$
        begin
          if new.type = '${type}' then
            raise exception 'audit row refused by the test' using errcode = '${state}';
          end if;
          return new;
        end $$`);
      await admin.query(`create trigger test_refuse_audit before insert on audit_events
        for each row execute function test_refuse_audit()`);
      return async () => {
        await admin.query('drop trigger test_refuse_audit on audit_events');
        await admin.query('drop function test_refuse_audit()');
      };
    }

    /** The answer is exactly the generic 500: no SQL, no parameter, no message of the error. */
    async function expectInternalError(response: Response) {
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        type: 'https://tessera.dev/problems/internal_error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Something went wrong on our side.',
        code: 'internal_error',
      });
      for (const leak of ['refused by the test', 'tessera_append_audit', 'select', 'audit_events'])
        expect(text).not.toContain(leak);
    }

    /** The one `unhandled error` line logged since `from`, parsed. */
    function unhandledErrorLogged(from: number) {
      const lines = t.logs.slice(from).filter((line) => line.includes('"unhandled error"'));
      expect(lines).toHaveLength(1);
      return JSON.parse(lines[0] as string) as {
        level: number;
        sqlState?: string;
        err: { type: string; stack: string };
      };
    }

    it.each([
      ['23505 (a unique violation)', '23505'],
      ['P0001 (a raise)', 'P0001'],
    ])(
      'a send whose audit row Postgres refuses with %s: 500 internal_error, logged with its stack, no SMS',
      async (_name, state) => {
        const printed = t.printed.length;
        const logged = t.logs.length;
        const restore = await refuseAuditRows('verification.created', state);
        try {
          await expectInternalError(await t.call('POST', '/v1/verify', { body: { to: TO } }));
        } finally {
          await restore();
        }
        expect(t.printed.length).toBe(printed);
        const line = unhandledErrorLogged(logged);
        expect(line.level).toBe(50);
        expect(line.sqlState).toBe(state);
        expect(line.err.type).toBe('DrizzleQueryError');
        // The stack of the error, and of the driver's error it wraps.
        expect(line.err.stack).toMatch(/\n {4}at /);
        expect(line.err.stack).toContain('caused by: error: audit row refused by the test');
        // Neither the statement nor its parameters are logged, so never the clear number.
        for (const leak of ['+33612345678', '33612345678', '612345678', 'params', 'insert into'])
          expect(JSON.stringify(line).toLowerCase()).not.toContain(leak);
        // The service was never down.
        expect((await t.call('POST', '/v1/verify', { body: { to: TO } })).status).toBe(201);
      },
    );

    it('the same refusal with a shutdown SQLSTATE (57P01) is an outage: 503 service_unavailable', async () => {
      const printed = t.printed.length;
      const restore = await refuseAuditRows('verification.created', '57P01');
      try {
        const response = await t.call('POST', '/v1/verify', { body: { to: TO } });
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ code: 'service_unavailable' });
      } finally {
        await restore();
      }
      expect(t.printed.length).toBe(printed);
    });

    it('a bug while recording an approval: 500, the approval is undone and the code still works', async () => {
      const sent = await t.call('POST', '/v1/verify', { body: { to: TO, purpose: 'signup' } });
      expect(sent.status).toBe(201);
      const { id } = (await sent.json()) as { id: string };
      const code = await t.lastCode(TO);
      const check = () => t.call('POST', `/v1/verify/${id}/check`, { body: { code } });
      const restore = await refuseAuditRows('check.approved', '23505');
      try {
        await expectInternalError(await check());
      } finally {
        await restore();
      }
      expect(await (await t.call('GET', `/v1/verify/${id}`)).json()).toMatchObject({
        status: 'pending',
      });
      const approved = await check();
      expect(approved.status).toBe(200);
      expect(await approved.json()).toMatchObject({
        valid: true,
        status: 'approved',
        attempts_remaining: 4,
      });
    });
  },
);
