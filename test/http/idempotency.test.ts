import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/index.ts';
import type { AppEnv } from '../../src/http/app-env.ts';
import { createErrorHandler } from '../../src/http/error-handler.ts';
import {
  fingerprintRequest,
  IDEMPOTENCY_TTL_MS,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  validateIdempotencyKey,
  withIdempotency,
} from '../../src/http/idempotency/idempotency.ts';
import { runIdempotently } from '../../src/http/idempotency/idempotent.ts';
import { createMemoryIdempotencyStore } from '../../src/http/idempotency/memory-idempotency-store.ts';
import type { IdempotencyStore } from '../../src/http/idempotency/store.ts';
import { canonicalJson } from '../../src/kernel/canonical-json.ts';
import { RefusedError } from '../../src/kernel/errors.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

const HMAC_KEY = Buffer.alloc(32, 7);
const BODY = {
  to: '+33612345678',
  country: 'FR',
  purpose: 'login',
  client: { ip: '203.0.113.7', user_agent: 'Mozilla/5.0' },
  metadata: { tags: ['a', 'b'], nested: { x: 1, y: null } },
};
const request = (body: unknown = BODY) => ({ method: 'POST', path: '/v1/verify', body });

describe('fingerprintRequest', () => {
  const base = fingerprintRequest(HMAC_KEY, request());

  it('is a hex HMAC-SHA-256, the same for the same request', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintRequest(HMAC_KEY, request(structuredClone(BODY)))).toBe(base);
  });

  it('ignores key order, at every depth', () => {
    const reordered = {
      metadata: { nested: { y: null, x: 1 }, tags: ['a', 'b'] },
      client: { user_agent: 'Mozilla/5.0', ip: '203.0.113.7' },
      purpose: 'login',
      country: 'FR',
      to: '+33612345678',
    };
    expect(fingerprintRequest(HMAC_KEY, request(reordered))).toBe(base);
  });

  it.each([
    ['the number', { ...BODY, to: '+33612345679' }],
    ['a nested value', { ...BODY, client: { ...BODY.client, ip: '203.0.113.8' } }],
    ['array order', { ...BODY, metadata: { ...BODY.metadata, tags: ['b', 'a'] } }],
    ['a value type', { ...BODY, metadata: { ...BODY.metadata, nested: { x: '1', y: null } } }],
    ['an added field', { ...BODY, locale: 'fr' }],
    ['a removed field', { to: BODY.to, country: 'FR', purpose: 'login', client: BODY.client }],
  ])('changes when %s changes', (_, body) => {
    expect(fingerprintRequest(HMAC_KEY, request(body))).not.toBe(base);
  });

  it('changes with the method or the route path', () => {
    expect(fingerprintRequest(HMAC_KEY, { ...request(), method: 'PUT' })).not.toBe(base);
    expect(fingerprintRequest(HMAC_KEY, { ...request(), path: '/v1/verify/x/resend' })).not.toBe(
      base,
    );
  });

  it('changes with another HMAC key', () => {
    expect(fingerprintRequest(Buffer.alloc(32, 8), request())).not.toBe(base);
  });

  it('reveals nothing of the phone number in the body', () => {
    for (const fragment of ['+33612345678', '33612345678', '612345678', '12345678']) {
      expect(base).not.toContain(fragment);
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys and writes what JSON.stringify would, minus the order', () => {
    const value = { b: [3, undefined, { d: 1, c: 2 }], a: 'x', u: undefined, n: null };
    expect(canonicalJson(value)).toBe('{"a":"x","b":[3,null,{"c":2,"d":1}],"n":null}');
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });
});

describe('validateIdempotencyKey', () => {
  it.each(['a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'order 42/retry#1', '~'.repeat(255)])(
    'accepts %j',
    (key) => {
      expect(validateIdempotencyKey(key)).toBe(true);
    },
  );

  it.each(['', 'x'.repeat(256), 'line\nbreak', 'tab\there', 'clé', 'emoji 🔑', '\u0000'])(
    'refuses %j',
    (key) => {
      expect(validateIdempotencyKey(key)).toBe(false);
    },
  );
});

describe('withIdempotency over the embedded store', () => {
  const stores: { close(): void }[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  const makeStore = () => {
    const store = createMemoryIdempotencyStore();
    stores.push(store);
    return store;
  };
  const FP = fingerprintRequest(HMAC_KEY, request());
  const OTHER_FP = fingerprintRequest(HMAC_KEY, request({ ...BODY, to: '+33612345679' }));
  const req = (fingerprint = FP) => ({ appId: 'app_a', key: 'key-1', fingerprint });

  it('runs once, then replays the stored response without running again', async () => {
    const store = makeStore();
    let runs = 0;
    const run = async () => {
      runs += 1;
      return { status: 201, body: { id: 'ver_1', send_count: runs } };
    };
    const first = await withIdempotency(store, req(), run);
    const second = await withIdempotency(store, req(), run);
    const third = await withIdempotency(store, req(), run);
    expect(runs).toBe(1);
    expect(first).toEqual({ status: 201, body: { id: 'ver_1', send_count: 1 }, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(third).toEqual({ ...first, replayed: true });
  });

  it('a refusal is thrown, as the routes refuse: the key is released and a retry runs again', async () => {
    // README, "Idempotency-Key replays only successes": a refusal is not stored, so a retry is
    // judged afresh (here, once the rate limit has passed, it sends).
    const store = makeStore();
    let runs = 0;
    const refusal = new RefusedError('rate_limited', 'Too many codes for this number.');
    const run = async () => {
      runs += 1;
      if (runs === 1) throw refusal;
      return { status: 201, body: { id: 'ver_5' } };
    };
    await expect(withIdempotency(store, req(), run)).rejects.toBe(refusal);
    expect(await withIdempotency(store, req(), run)).toEqual({
      status: 201,
      body: { id: 'ver_5' },
      replayed: false,
    });
    expect(await withIdempotency(store, req(), run)).toEqual({
      status: 201,
      body: { id: 'ver_5' },
      replayed: true,
    });
    expect(runs).toBe(2);
  });

  it('stores whatever run answers below 500, whatever the status (the routes answer only successes)', async () => {
    const store = makeStore();
    let runs = 0;
    const run = async () => {
      runs += 1;
      return { status: 422, body: { error: { code: 'invalid_phone_number' } } };
    };
    await withIdempotency(store, req(), run);
    expect(await withIdempotency(store, req(), run)).toMatchObject({
      status: 422,
      replayed: true,
    });
    expect(runs).toBe(1);
  });

  it('refuses the key with another request, and runs nothing', async () => {
    const store = makeStore();
    let runs = 0;
    const run = async () => {
      runs += 1;
      return { status: 201, body: {} };
    };
    await withIdempotency(store, req(), run);
    const reused = withIdempotency(store, req(OTHER_FP), run);
    await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(reused).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(runs).toBe(1);
  });

  it('refuses a retry while the first request is still running', async () => {
    const store = makeStore();
    let finish: (value: { status: number; body: unknown }) => void = () => {};
    const first = withIdempotency(
      store,
      req(),
      () => new Promise<{ status: number; body: unknown }>((resolve) => (finish = resolve)),
    );
    let runs = 0;
    const concurrent = withIdempotency(store, req(), async () => {
      runs += 1;
      return { status: 201, body: {} };
    });
    await expect(concurrent).rejects.toBeInstanceOf(IdempotencyInProgressError);
    await expect(concurrent).rejects.toMatchObject({ code: 'idempotency_in_progress' });
    finish({ status: 201, body: { id: 'ver_1' } });
    expect(await first).toMatchObject({ status: 201, replayed: false });
    expect(runs).toBe(0);
  });

  it('releases the claim when run throws, so a retry runs again', async () => {
    const store = makeStore();
    let runs = 0;
    const outage = new Error('redis is down');
    await expect(
      withIdempotency(store, req(), async () => {
        runs += 1;
        throw outage;
      }),
    ).rejects.toBe(outage);
    const retry = await withIdempotency(store, req(), async () => {
      runs += 1;
      return { status: 201, body: { id: 'ver_2' } };
    });
    expect(retry).toEqual({ status: 201, body: { id: 'ver_2' }, replayed: false });
    expect(runs).toBe(2);
  });

  it('answers a 5xx without storing it, so a retry runs again', async () => {
    const store = makeStore();
    const answers = [
      { status: 503, body: { error: { code: 'delivery_unavailable' } } },
      { status: 201, body: { id: 'ver_3' } },
    ];
    let runs = 0;
    const run = async () => answers[runs++] ?? { status: 500, body: null };
    expect(await withIdempotency(store, req(), run)).toEqual({ ...answers[0], replayed: false });
    expect(await withIdempotency(store, req(), run)).toEqual({ ...answers[1], replayed: false });
    expect(await withIdempotency(store, req(), run)).toEqual({ ...answers[1], replayed: true });
    expect(runs).toBe(2);
  });

  it('claims with the 24 h TTL unless told otherwise', async () => {
    const ttls: number[] = [];
    const inner = makeStore();
    const spy: IdempotencyStore = {
      claim: (...args) => {
        ttls.push(args[3]);
        return inner.claim(...args);
      },
      complete: (...args) => {
        ttls.push(args[4]);
        return inner.complete(...args);
      },
      release: (...args) => inner.release(...args),
    };
    await withIdempotency(spy, req(), async () => ({ status: 201, body: {} }));
    await withIdempotency(spy, { ...req(), key: 'key-2', ttlMs: 5_000 }, async () => ({
      status: 201,
      body: {},
    }));
    expect(IDEMPOTENCY_TTL_MS).toBe(86_400_000);
    expect(ttls).toEqual([IDEMPOTENCY_TTL_MS, IDEMPOTENCY_TTL_MS, 5_000, 5_000]);
  });

  it('keeps the original error when the release fails too', async () => {
    const inner = makeStore();
    const store: IdempotencyStore = {
      claim: (...args) => inner.claim(...args),
      complete: (...args) => inner.complete(...args),
      release: async () => {
        throw new Error('store down');
      },
    };
    const original = new Error('provider down');
    await expect(
      withIdempotency(store, req(), async () => {
        throw original;
      }),
    ).rejects.toBe(original);
  });

  it('answers the work done even when storing it fails, and never runs it again', async () => {
    const inner = makeStore();
    const store: IdempotencyStore = {
      claim: (...args) => inner.claim(...args),
      complete: async () => {
        throw new Error('store down');
      },
      release: (...args) => inner.release(...args),
    };
    let runs = 0;
    const run = async () => {
      runs += 1;
      return { status: 201, body: { id: 'ver_4' } };
    };
    expect(await withIdempotency(store, req(), run)).toMatchObject({
      status: 201,
      replayed: false,
    });
    await expect(withIdempotency(store, req(), run)).rejects.toBeInstanceOf(
      IdempotencyInProgressError,
    );
    expect(runs).toBe(1);
  });
});

describe('runIdempotently, as POST /v1/verify and /resend call it', () => {
  const stores: { close(): void }[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  const PRINCIPAL = {
    keyId: 'key_a',
    scopes: ['verify'],
    app: { id: 'app_a', name: 'app-a', brand: null, webOtpDomain: null, settings: {} },
  } as Principal;

  /**
   * A route of the start route's shape, over a real embedded store and the app's error handler:
   * `work` returns the verification or throws a refusal, as startVerification does.
   */
  function route(work: (body: unknown) => Promise<unknown>) {
    const store = createMemoryIdempotencyStore();
    stores.push(store);
    const app = new Hono<AppEnv>();
    app.onError(createErrorHandler(createLogger('silent')));
    app.use(async (c, next) => {
      c.set('principal', PRINCIPAL);
      await next();
    });
    app.post('/v1/verify', async (c) => {
      const body: unknown = await c.req.json();
      const deps = { idempotency: store, fingerprintKey: HMAC_KEY };
      return c.json(await runIdempotently(c, deps, body, () => work(body)), 201);
    });
    return (body: unknown) =>
      app.request('/v1/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'signup-1' },
        body: JSON.stringify(body),
      });
  }

  it('a refused request leaves its key free: the retry runs, and only its success replays', async () => {
    let runs = 0;
    const send = route(async () => {
      runs += 1;
      if (runs === 1) throw new RefusedError('rate_limited', 'Too many codes for this number.');
      return { id: 'ver_6' };
    });
    const refused = await send(BODY);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited' });
    const retry = await send(BODY);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await retry.json()).toEqual({ id: 'ver_6' });
    const replay = await send(BODY);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual({ id: 'ver_6' });
    expect(runs).toBe(2);
  });

  it('after a refusal the same key may carry a corrected request: not a reused key', async () => {
    const sent: unknown[] = [];
    const send = route(async (body) => {
      if ((body as { to: string }).to === '+3361234567') {
        throw new RefusedError('invalid_phone_number', 'Not a valid phone number.');
      }
      sent.push(body);
      return { id: 'ver_7' };
    });
    const refused = await send({ ...BODY, to: '+3361234567' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'invalid_phone_number' });
    const corrected = await send(BODY);
    expect(corrected.status).toBe(201);
    expect(await corrected.json()).toEqual({ id: 'ver_7' });
    expect(sent).toEqual([BODY]);
    // The key now belongs to the corrected request: the refused body is the one refused as reused.
    const stale = await send({ ...BODY, to: '+3361234567' });
    expect(stale.status).toBe(422);
    expect(await stale.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });
});
