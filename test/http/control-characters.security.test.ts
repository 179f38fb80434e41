import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const TO = '+33612345678';
const NUL = '\u0000';

/**
 * Every call a request made to a store: the code store, the TOTP store, the limits and the audit
 * trail, counted by wrapping the objects the handlers reach through their deps.
 */
function countStoreCalls(t: TestApp): { calls: string[] } {
  const seen = { calls: [] as string[] };
  const watch = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          seen.calls.push(`${name}.${String(property)}`);
          return value.apply(object, args);
        };
      },
    });
  const { verification, totp } = t.runtime.modules;
  verification.codes = watch('codes', verification.codes);
  verification.limiter = watch('limiter', verification.limiter);
  verification.traffic = watch('traffic', verification.traffic);
  verification.audit = watch('audit', verification.audit);
  totp.store = watch('totp', totp.store);
  totp.limiter = watch('limiter', totp.limiter);
  totp.audit = watch('audit', totp.audit);
  return seen;
}

describe.each(BACKENDS)('threat: control characters in what reaches a store: $name', (backend) => {
  let t: TestApp;
  let stores: { calls: string[] };
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    stores = countStoreCalls(t);
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  // [what, method, path, body, the field the 400 must name]
  const cases: [string, string, string, unknown, string][] = [
    ['NUL in user_ref (enrol)', 'POST', '/v1/totp/factors', { user_ref: `u${NUL}1` }, 'user_ref'],
    ['NUL in label', 'POST', '/v1/totp/factors', { user_ref: 'u1', label: `Alice${NUL}` }, 'label'],
    [
      'NUL in issuer',
      'POST',
      '/v1/totp/factors',
      { user_ref: 'u1', issuer: `Acme${NUL}` },
      'issuer',
    ],
    [
      'an escape sequence in label (log and terminal injection)',
      'POST',
      '/v1/totp/factors',
      { user_ref: 'u1', label: 'Alice\u001b[2J' },
      'label',
    ],
    [
      'a C1 control (NEL) in user_ref',
      'POST',
      '/v1/totp/factors',
      { user_ref: 'u\u00851' },
      'user_ref',
    ],
    [
      // Encoded to UTF-8 as U+FFFD: two different user_refs would become the same user.
      'a lone surrogate in user_ref',
      'POST',
      '/v1/totp/factors',
      { user_ref: 'u\ud8001' },
      'user_ref',
    ],
    [
      'NUL in user_ref (verify)',
      'POST',
      '/v1/totp/verify',
      { user_ref: `u${NUL}1`, code: '123456' },
      'user_ref',
    ],
    ['NUL in user_ref (list)', 'GET', '/v1/totp/factors?user_ref=u%001', undefined, 'user_ref'],
    [
      'NUL in a factor id (confirm)',
      'POST',
      '/v1/totp/factors/tot_x%00y/confirm',
      { code: '123456' },
      'id',
    ],
    ['NUL in a factor id (delete)', 'DELETE', '/v1/totp/factors/tot_x%00y', undefined, 'id'],
    [
      'NUL in a verification id (check)',
      'POST',
      '/v1/verify/ver_x%00y/check',
      { code: '123456' },
      'id',
    ],
    ['NUL in a verification id (read)', 'GET', '/v1/verify/ver_x%00y', undefined, 'id'],
    ['NUL in a verification id (cancel)', 'DELETE', '/v1/verify/ver_x%00y', undefined, 'id'],
    ['NUL in a verification id (resend)', 'POST', '/v1/verify/ver_x%00y/resend', {}, 'id'],
    [
      'NUL in a metadata value',
      'POST',
      '/v1/verify',
      { to: TO, metadata: { order: { note: `a${NUL}b` } } },
      'metadata',
    ],
    [
      'NUL in a metadata key',
      'POST',
      '/v1/verify',
      { to: TO, metadata: { [`k${NUL}`]: 1 } },
      'metadata',
    ],
    [
      'a lone surrogate in a metadata value (Postgres jsonb refuses it)',
      'POST',
      '/v1/verify',
      { to: TO, metadata: { list: ['\udc00'] } },
      'metadata',
    ],
    [
      'NUL in client.user_agent',
      'POST',
      '/v1/verify',
      { to: TO, client: { user_agent: `curl${NUL}` } },
      'client.user_agent',
    ],
    [
      'a newline in client.user_agent (a forged log line)',
      'POST',
      '/v1/totp/factors',
      { user_ref: 'u1', client: { user_agent: 'curl\nlevel=error forged' } },
      'client.user_agent',
    ],
  ];

  test.each(cases)(
    '%s: a 400 invalid_request naming the field, and no store is touched',
    async (_what, method, path, body, field) => {
      const printed = t.printed.length;
      stores.calls.length = 0;
      const response = await t.call(method, path, body === undefined ? {} : { body });
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('invalid_request');
      expect(problem.errors.map((e) => e.path)).toEqual([field]);
      // No audit row, no counter, no attempt, no factor, no SMS.
      expect(stores.calls).toEqual([]);
      expect(t.printed.length).toBe(printed);
    },
  );

  test('metadata may still hold newlines and tabs, and text any script', async () => {
    const response = await t.call('POST', '/v1/verify', {
      body: { to: TO, metadata: { note: 'line 1\nline 2\tend', name: 'Zoë 山田 🙂' } },
    });
    expect(response.status).toBe(201);
    const enrol = await t.call('POST', '/v1/totp/factors', {
      body: { user_ref: 'Zoë 山田 🙂', label: 'Zoë 山田', issuer: 'Acme – Paris' },
    });
    expect(enrol.status).toBe(201);
  });
});
