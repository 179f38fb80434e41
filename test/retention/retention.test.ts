import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/index.ts';
import { captureAuditEvents } from '../helpers/per-app-hmacs.ts';
import {
  BACKENDS,
  createTestClock,
  GENEROUS_SETTINGS,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

type Json = Record<string, unknown>;

const DAY = 24 * 3600 * 1000;
const WITHDRAWN = '+33612398001';
const STILL_CONSENTING = '+33612398002';
const NEVER_VERIFIED = '+33612398003';
const LATER = '+33612398004';
const OTHER_APP = '+33612398005';

describe.each(BACKENDS)('the retention job, on an injected clock: $name', (backend) => {
  const clock = createTestClock();
  const start = clock.now();
  let t: TestApp;
  let events: AuditEvent[];
  let appA: string;
  let appB: string;
  const ids: Record<string, string> = {};

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await t.call(method, path, { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const lead = async (phone: string, options: { verify: boolean; key?: string }) => {
    const created = await call(
      'POST',
      '/v1/leads',
      {
        phone,
        marketing_consent: { granted: true, version: 'v1', text: 'Offres par SMS. STOP au 36123.' },
      },
      options.key,
    );
    expect(created.status).toBe(201);
    if (options.verify) {
      const code = await t.lastCode(phone, options.key);
      const id = (created.body.verification as Json).id;
      expect((await call('POST', `/v1/verify/${id}/check`, { code }, options.key)).body.valid).toBe(
        true,
      );
    }
    return created.body.id as string;
  };
  const leadStatus = async (id: string | undefined, key?: string) =>
    (await call('GET', `/v1/leads/${id}`, undefined, key)).status;
  const history = async (phone: string) =>
    (await call('GET', `/v1/consents?phone=${encodeURIComponent(phone)}`)).body;
  const retentionRows = () => events.filter((e) => e.type === 'retention.applied');
  /** Moves the clock to `days` (and `extraMs`) after the start. */
  const at = (days: number, extraMs = 0) =>
    clock.advance(start + days * DAY + extraMs - clock.now());

  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    events = captureAuditEvents(t);
    const store = t.runtime.modules.access;
    appA = (await store.findApp('app-a'))?.id as string;
    appB = (await store.findApp('app-b'))?.id as string;
    // app-b keeps leads a single day; app-a has the defaults (3 years, 5 years after withdrawal).
    await store.updateApp(
      appB,
      { settings: { ...GENEROUS_SETTINGS, retention: { leadsDays: 1 } } },
      [],
    );
    ids.withdrawn = await lead(WITHDRAWN, { verify: true });
    ids.consenting = await lead(STILL_CONSENTING, { verify: true });
    ids.unverified = await lead(NEVER_VERIFIED, { verify: false });
    ids.otherApp = await lead(OTHER_APP, { verify: true, key: t.keys.b });
    expect((await call('POST', '/v1/consents/withdraw', { phone: WITHDRAWN })).status).toBe(200);
    // Many sends and argon2 checks on a shared 2-core machine.
  }, 240_000);
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  test('nothing is due on the day before: nothing removed, nothing written', async () => {
    at(0, 60_000);
    expect((await t.runtime.runRetention()).removed).toEqual([]);
    expect(retentionRows()).toEqual([]);
  });

  test("an app's own setting applies to it alone: app-b's lead goes after a day", async () => {
    at(1, 120_000);
    const report = await t.runtime.runRetention();
    expect(report.removed).toEqual([
      { appId: appB, recordType: 'leads', removed: 1, before: new Date(clock.now() - DAY) },
    ]);
    expect(await leadStatus(ids.otherApp, t.keys.b)).toBe(404);
    expect(await leadStatus(ids.withdrawn)).toBe(200);
    expect(retentionRows()).toMatchObject([
      {
        appId: appB,
        phoneHmac: null,
        reason: 'leads',
        detail: { record_type: 'leads', removed: 1, retention_days: 1 },
      },
    ]);
  });

  test('leads go 3 years after their last contact, to the minute; consent proof stays', async () => {
    at(3 * 365, -60_000);
    expect((await t.runtime.runRetention()).removed).toEqual([]);
    at(3 * 365, 120_000);
    const report = await t.runtime.runRetention();
    expect(report.removed).toMatchObject([{ appId: appA, recordType: 'leads', removed: 3 }]);
    for (const id of [ids.withdrawn, ids.consenting, ids.unverified]) {
      expect(await leadStatus(id)).toBe(404);
    }
    expect((await history(WITHDRAWN)).history).toHaveLength(2);
    ids.later = await lead(LATER, { verify: true });
  });

  test('consent proof goes 5 years after its withdrawal; a consent in force and the opposition stay', async () => {
    at(5 * 365, -60_000);
    expect((await t.runtime.runRetention()).removed).toEqual([]);
    at(5 * 365, 120_000);
    const report = await t.runtime.runRetention();
    expect(report.removed).toMatchObject([
      { appId: appA, recordType: 'consent_proof', removed: 2 },
    ]);
    expect(await history(WITHDRAWN)).toMatchObject({ history: [], opposed: true });
    expect(await history(STILL_CONSENTING)).toMatchObject({ state: 'granted' });
    // Verified 2 years ago: not due.
    expect(await leadStatus(ids.later)).toBe(200);
  });

  test('a second run at the same instant removes nothing and writes nothing (idempotent)', async () => {
    const rows = retentionRows().length;
    expect((await t.runtime.runRetention()).removed).toEqual([]);
    expect(retentionRows()).toHaveLength(rows);
    expect(rows).toBe(3);
  });

  test('the audit chain and the Merkle log still verify', async () => {
    const verify = await call('GET', '/v1/audit/verify', undefined, t.keys.aAuditOnly);
    expect(verify.body).toMatchObject({ ok: true, log: { ok: true } });
  });
});
