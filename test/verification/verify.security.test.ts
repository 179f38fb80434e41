import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const TO = '+33612345678';
/** Every way the clear number could appear at rest. */
const PHONE_FORMS = ['+33612345678', '33612345678', '0612345678', '612345678', '06 12 34 56 78'];

async function sendAndReadCode(t: TestApp, body: Record<string, unknown> = { to: TO }) {
  const response = await t.call('POST', '/v1/verify', { body });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return { id, code: await t.lastCode(TO) };
}

const check = (t: TestApp, id: string, code: string) =>
  t.call('POST', `/v1/verify/${id}/check`, { body: { code } });

describe.each(BACKENDS)('verifications under attack: $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    if (backend.available) t = await startTestApp(backend);
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  test('threat: 25 parallel checks with the right code approve exactly once', async () => {
    const { id, code } = await sendAndReadCode(t);
    const answers = await Promise.all(
      Array.from(
        { length: 25 },
        async () => (await check(t, id, code)).json() as Promise<{ valid: boolean }>,
      ),
    );
    expect(answers.filter((a) => a.valid)).toHaveLength(1);
  });

  test('threat: 25 parallel wrong guesses get at most the 5 evaluations of the budget', async () => {
    const { id, code } = await sendAndReadCode(t, { to: TO, purpose: 'signup' });
    const hasher = t.runtime.modules.verification.hasher;
    const realVerify = hasher.verify;
    let evaluations = 0;
    hasher.verify = (hash, candidate) => {
      evaluations += 1;
      return realVerify(hash, candidate);
    };
    try {
      const wrong = code === '000000' ? '000001' : '000000';
      const responses = await Promise.all(Array.from({ length: 25 }, () => check(t, id, wrong)));
      expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
      const answers = (await Promise.all(responses.map((r) => r.json()))) as { valid: boolean }[];
      expect(answers.every((a) => a.valid === false)).toBe(true);
      expect(evaluations).toBe(5);
      expect(await (await check(t, id, code)).json()).toMatchObject({
        valid: false,
        status: 'max_attempts_reached',
        attempts_remaining: 0,
      });
      expect(evaluations).toBe(5);
    } finally {
      hasher.verify = realVerify;
    }
  });

  test('no log line holds a code, a number or an API key; only the console route prints the code', async () => {
    const { id, code } = await sendAndReadCode(t, {
      to: '06 12 34 56 78',
      country: 'FR',
      purpose: 'lead',
    });
    await check(t, id, code);
    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(0);
    for (const secret of [code, ...PHONE_FORMS, t.keys.a, t.secretKey])
      expect(logs).not.toContain(secret);
    expect(t.printed.join('\n')).toContain(code);
  });
});

describe.skipIf(!BACKENDS[0]?.available)(
  'what rests in Redis and Postgres after a full send and check',
  () => {
    let t: TestApp;
    let redis: Redis;
    const codes: string[] = [];
    beforeAll(async () => {
      t = await startTestApp(BACKENDS[0] as (typeof BACKENDS)[0]);
      redis = new Redis(redisUrl as string);
      for (const purpose of ['login', 'signup']) {
        const { id, code } = await sendAndReadCode(t, { to: TO, purpose });
        codes.push(code);
        if (purpose === 'login') {
          await check(t, id, code === '000000' ? '000001' : '000000');
          await check(t, id, code);
        }
      }
    });
    afterAll(async () => {
      redis?.disconnect();
      await t?.close();
    });

    it('every Redis key has a TTL and holds no clear code or phone number', async () => {
      const keys = await scanKeys(redis, t.redisKeyPrefix as string);
      expect(keys.length).toBeGreaterThan(0);
      const dump: string[] = [];
      for (const key of keys) {
        expect(await redis.pttl(key), key).toBeGreaterThan(0);
        const type = await redis.type(key);
        const value =
          type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : await redis.get(key);
        dump.push(key, value ?? '');
      }
      const text = dump.join('\n');
      for (const secret of [...codes, ...PHONE_FORMS]) expect(text).not.toContain(secret);
      // The code hash is there (pending) but only as peppered argon2id.
      expect(text).toMatch(/\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    });

    it('no Postgres table holds a clear code, phone number or API key', async () => {
      const client = new pg.Client({ connectionString: t.databaseUrl as string });
      await client.connect();
      try {
        const tables = await client.query<{ table_schema: string; table_name: string }>(
          `select table_schema, table_name from information_schema.tables
         where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
        );
        expect(tables.rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining(['apps', 'api_keys']),
        );
        let dump = '';
        for (const { table_schema, table_name } of tables.rows) {
          const rows = await client.query(`select * from "${table_schema}"."${table_name}"`);
          dump += JSON.stringify(rows.rows);
        }
        for (const secret of [...codes, ...PHONE_FORMS, t.keys.a, t.keys.b])
          expect(dump).not.toContain(secret);
      } finally {
        await client.end();
      }
    });
  },
);

describe.skipIf(!BACKENDS[0]?.available)('faults: Redis or Postgres unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(BACKENDS[0] as (typeof BACKENDS)[0], { throughProxies: true });
  });
  afterAll(async () => t?.close());

  async function eventually(request: () => Promise<Response>, status: number): Promise<Response> {
    for (let i = 0; i < 100; i++) {
      const response = await request();
      if (response.status === status) return response;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`never got ${status}`);
  }

  it('Redis down: 503 service_unavailable, no SMS sent, no approval; retry works once it is back', async () => {
    const { id, code } = await sendAndReadCode(t);
    const printed = t.printed.length;
    await t.proxies?.redis.cut();

    const send = await t.call('POST', '/v1/verify', { body: { to: TO, purpose: 'signup' } });
    expect(send.status).toBe(503);
    expect(send.headers.get('content-type')).toBe('application/problem+json');
    expect(await send.json()).toMatchObject({ code: 'service_unavailable' });
    const refused = await check(t, id, code);
    expect(refused.status).toBe(503);
    expect(t.printed.length).toBe(printed);
    expect((await t.call('GET', '/readyz', { key: null })).status).toBe(503);

    await t.proxies?.redis.restore();
    const approved = await eventually(() => check(t, id, code), 200);
    expect(await approved.json()).toMatchObject({
      valid: true,
      status: 'approved',
      attempts_remaining: 4,
    });
  });

  it('threat: a check frozen in Redis answers 503 and its attempt is given back once Redis resumes', async () => {
    const { id, code } = await sendAndReadCode(t, { to: TO, purpose: 'password_reset' });
    // Redis stalls (as under SIGSTOP): the check's script waits in the relay, the client times
    // out, and Redis runs the script once it resumes.
    t.proxies?.redis.hold();
    let refused: Response;
    try {
      refused = await check(t, id, code === '000000' ? '000001' : '000000');
    } finally {
      t.proxies?.redis.release();
    }
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'service_unavailable' });
    const read = await eventually(() => t.call('GET', `/v1/verify/${id}`), 200);
    expect(await read.json()).toMatchObject({ status: 'pending', attempts_remaining: 5 });
    const approved = await check(t, id, code);
    expect(await approved.json()).toMatchObject({
      valid: true,
      status: 'approved',
      attempts_remaining: 4,
    });
  });

  it('Redis lost the moment the SMS leaves: the send is still a 201, since the code is on its way', async () => {
    const printed = t.printed.length;
    t.onPrint = () => {
      t.onPrint = null;
      void t.proxies?.redis.cut();
    };
    try {
      const send = await t.call('POST', '/v1/verify', { body: { to: TO, purpose: 'signup' } });
      expect(send.status).toBe(201);
      expect(await send.json()).toMatchObject({ status: 'pending' });
      expect(t.printed.length).toBe(printed + 1);
    } finally {
      t.onPrint = null;
      await t.proxies?.redis.restore();
    }
    // The code that left still works once Redis is back (its delivery status may be lost).
    const code = /\b(\d{6})\b/.exec(t.printed.at(-1) ?? '')?.[1] ?? '';
    const id = /\((ver_[^)]+)\)/.exec(t.printed.at(-1) ?? '')?.[1] ?? '';
    const approved = await eventually(() => check(t, id, code), 200);
    expect(await approved.json()).toMatchObject({ valid: true, status: 'approved' });
  });

  it('Redis lost while the code is hashed: 503, no SMS, and the trail says the verification ended there', async () => {
    const printed = t.printed.length;
    const { hasher, codes } = t.runtime.modules.verification;
    const realHash = hasher.hash;
    // The creation's row commits meanwhile (side by side with argon2 and Redis). It waits for the
    // read of the pending verification it may supersede, sent just before argon2 starts: Redis
    // answers in order, so once a ping on the same connection is answered, that read was too.
    hasher.hash = async (code) => {
      hasher.hash = realHash;
      await codes.ping();
      await t.proxies?.redis.cut();
      return realHash(code);
    };
    try {
      const send = await t.call('POST', '/v1/verify', { body: { to: TO, purpose: 'signup' } });
      expect(send.status).toBe(503);
      expect(await send.json()).toMatchObject({ code: 'service_unavailable' });
      expect(t.printed.length).toBe(printed);
      // The clean-up writes that Redis refused meanwhile are counted for operators.
      const metrics = await (await t.call('GET', '/metrics', { key: null })).text();
      expect(metrics).toMatch(/tessera_store_writes_lost_total\{write="verification_cancel"\} 1/);
      expect(metrics).toMatch(/tessera_store_writes_lost_total\{write="limit_refund"\} 1/);
    } finally {
      hasher.hash = realHash;
      await t.proxies?.redis.restore();
    }
    await eventually(() => t.call('GET', '/readyz', { key: null }), 200);
    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    try {
      const { rows } = await client.query<{
        type: string;
        verification_id: string;
        reason: string;
      }>('select type, verification_id, reason from audit_events order by seq desc limit 2');
      const [ended, created] = rows;
      expect(created).toMatchObject({ type: 'verification.created' });
      expect(ended).toMatchObject({
        type: 'verification.canceled',
        verification_id: created?.verification_id,
        reason: 'store_unavailable',
      });
    } finally {
      await client.end();
    }
  });

  it('Postgres down: 503, no SMS sent, no approval; the code still works once it is back', async () => {
    const { id, code } = await sendAndReadCode(t, { to: TO, purpose: 'transaction' });
    const printed = t.printed.length;
    await t.proxies?.postgres.cut();

    expect((await t.call('POST', '/v1/verify', { body: { to: TO } })).status).toBe(503);
    const refused = await check(t, id, code);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'service_unavailable' });
    expect(t.printed.length).toBe(printed);

    await t.proxies?.postgres.restore();
    const approved = await eventually(() => check(t, id, code), 200);
    expect(await approved.json()).toMatchObject({
      valid: true,
      status: 'approved',
      attempts_remaining: 4,
    });
  });
});
