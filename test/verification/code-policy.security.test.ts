import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/types.ts';
import { checkAppSettings } from '../../src/kernel/app-settings.ts';
import { BACKENDS, settingsWith, startTestApp, type TestApp } from '../helpers/test-app.ts';

let serial = 40_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;
let hosts = 0;
const freshClient = () => ({ ip: `192.0.2.${++hosts}` });

/** One send per number and per IP, and the cooldown on: a unit spent by a refusal would show. */
const ONE_SEND = { phoneSendHour: 1, ipSendHour: 1, resendCooldownSeconds: 30 };

describe.each(BACKENDS)('code policy per app: $name', (backend) => {
  let t: TestApp;
  let appId: string;
  const committed: AuditEvent[] = [];
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    // Every row the verbs commit, whichever way, is seen here before it goes to the real trail.
    const trail = t.runtime.modules.verification.audit;
    const commit = trail.commit.bind(trail);
    const commitOrSpool = trail.commitOrSpool.bind(trail);
    trail.commit = (events) => {
      committed.push(...events);
      return commit(events);
    };
    trail.commitOrSpool = (events) => {
      committed.push(...events);
      return commitOrSpool(events);
    };
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const useSettings = (settings: Record<string, unknown>) =>
    t.runtime.modules.access.updateApp(appId, { settings: settingsWith(settings) }, []);
  const send = (body: Record<string, unknown>) =>
    t.call('POST', '/v1/verify', { body: { client: freshClient(), ...body } });

  beforeEach(async () => {
    if (backend.available) await useSettings({ limits: ONE_SEND });
  });

  test.each([
    ['4 digits', { code_length: 4 }, 'code_length', 6, 'code_length must be at least 6'],
    ['5 digits', { code_length: 5 }, 'code_length', 6, 'code_length must be at least 6'],
    ['30 minutes', { ttl_seconds: 1800 }, 'ttl_seconds', 600, 'ttl_seconds must be at most 600'],
    ['601 s', { ttl_seconds: 601 }, 'ttl_seconds', 600, 'ttl_seconds must be at most 600'],
  ])(
    'a default app refuses %s: 422 naming the field and the limit, and nothing is spent',
    async (_name, asked, field, limit, detail) => {
      const to = freshNumber();
      const client = freshClient();
      const printed = t.printed.length;
      const rows = committed.length;
      for (let i = 0; i < 3; i++) {
        const refused = await send({ to, client, ...asked });
        expect(refused.status).toBe(422);
        expect(refused.headers.get('content-type')).toBe('application/problem+json');
        expect(await refused.json()).toEqual({
          type: 'https://tessera.dev/problems/outside_code_policy',
          title: 'Unprocessable Content',
          status: 422,
          code: 'outside_code_policy',
          detail: `${detail} for this app.`,
          field,
          limit,
        });
      }
      // No SMS, no row, and neither the number's nor the IP's one send nor the cooldown was spent.
      expect(t.printed.length).toBe(printed);
      expect(committed.length).toBe(rows);
      expect((await send({ to, client })).status).toBe(201);
      expect(t.printed.length).toBe(printed + 1);
    },
  );

  test('the contract defaults: 6 digits, valid 600 s', async () => {
    const to = freshNumber();
    const sent = (await (await send({ to })).json()) as Record<string, string>;
    expect(await t.lastCode(to)).toMatch(/^\d{6}$/);
    expect(Date.parse(sent.expires_at as string) - Date.parse(sent.created_at as string)).toBe(
      600_000,
    );
  });

  test('an app whose settings loosen the policy may ask for 4 digits and 30 minutes', async () => {
    await useSettings({ limits: ONE_SEND, codePolicy: { minCodeLength: 4, maxTtlSeconds: 1800 } });
    const to = freshNumber();
    const response = await send({ to, code_length: 4, ttl_seconds: 1800 });
    expect(response.status).toBe(201);
    const sent = (await response.json()) as Record<string, string>;
    expect(await t.lastCode(to)).toMatch(/^\d{4}$/);
    expect(Date.parse(sent.expires_at as string) - Date.parse(sent.created_at as string)).toBe(
      1_800_000,
    );
    // A request that leaves them out still gets the defaults.
    const other = freshNumber();
    const plain = (await (await send({ to: other })).json()) as Record<string, string>;
    expect(await t.lastCode(other)).toMatch(/^\d{6}$/);
    expect(Date.parse(plain.expires_at as string) - Date.parse(plain.created_at as string)).toBe(
      600_000,
    );
  });

  test.each([
    ['3 digits', { code_length: 3 }, 'code_length'],
    ['1801 s', { ttl_seconds: 1801 }, 'ttl_seconds'],
  ])(
    'past the absolute bounds (%s) it is still a 400 invalid_request, loosened or not',
    async (_name, asked, field) => {
      await useSettings({
        limits: ONE_SEND,
        codePolicy: { minCodeLength: 4, maxTtlSeconds: 1800 },
      });
      const printed = t.printed.length;
      const refused = await send({ to: freshNumber(), ...asked });
      expect(refused.status).toBe(400);
      const problem = (await refused.json()) as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('invalid_request');
      expect(problem.errors.map((e) => e.path)).toContain(field);
      expect(t.printed.length).toBe(printed);
    },
  );

  test('an app that requires more gets it by default, and refuses less', async () => {
    await useSettings({ limits: ONE_SEND, codePolicy: { minCodeLength: 8, maxTtlSeconds: 300 } });
    const to = freshNumber();
    const sent = (await (await send({ to })).json()) as Record<string, string>;
    expect(await t.lastCode(to)).toMatch(/^\d{8}$/);
    expect(Date.parse(sent.expires_at as string) - Date.parse(sent.created_at as string)).toBe(
      300_000,
    );
    expect(await (await send({ to: freshNumber(), code_length: 6 })).json()).toMatchObject({
      status: 422,
      field: 'code_length',
      limit: 8,
    });
    expect(await (await send({ to: freshNumber(), ttl_seconds: 600 })).json()).toMatchObject({
      status: 422,
      field: 'ttl_seconds',
      limit: 300,
    });
  });
});

describe('code policy settings', () => {
  it('the settings schema refuses a policy past the absolute bounds', () => {
    for (const codePolicy of [
      { minCodeLength: 3 },
      { minCodeLength: 11 },
      { maxTtlSeconds: 59 },
      { maxTtlSeconds: 1801 },
      { minCodeLength: 6.5 },
    ]) {
      expect(checkAppSettings({ codePolicy }).ok, JSON.stringify(codePolicy)).toBe(false);
    }
    expect(checkAppSettings({ codePolicy: { minCodeLength: 4, maxTtlSeconds: 1800 } })).toEqual(
      expect.objectContaining({ ok: true }),
    );
  });
});
