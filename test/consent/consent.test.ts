import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/index.ts';
import { auditTable, captureAuditEvents } from '../helpers/per-app-hmacs.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Json = Record<string, unknown>;
const TEXT = "J'accepte de recevoir des offres par SMS de ACME. STOP au 36123.";
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.each(BACKENDS)('consent records: $name', (backend) => {
  let t: TestApp;
  let events: AuditEvent[];
  let seq = 0;
  const nextNumber = () => `+336124${String(10_000 + seq++).padStart(5, '0')}`;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    events = captureAuditEvents(t);
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  const realTest = (name: string, fn: () => Promise<void>) => {
    if (backend.real) test(name, fn);
  };

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await t.call(method, path, { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const consentOf = (phone: string, key?: string) =>
    call('GET', `/v1/consents?phone=${encodeURIComponent(phone)}`, undefined, key);
  /** A lead through its form and its code, as a marketing site does it. */
  const leadConfirmed = async (phone: string, marketing_consent: unknown) => {
    const created = await call('POST', '/v1/leads', {
      phone,
      marketing_consent,
      client: { ip: '203.0.113.9', user_agent: 'Mozilla/5.0 test' },
    });
    expect(created.status).toBe(201);
    const code = await t.lastCode(phone);
    const checked = await call(
      'POST',
      `/v1/verify/${(created.body.verification as Json).id}/check`,
      { code },
    );
    expect(checked.body.valid).toBe(true);
    return (await call('GET', `/v1/leads/${created.body.id}`)).body;
  };

  test('no consent without an explicit true: missing, null and false record nothing', async () => {
    for (const marketing_consent of [
      undefined,
      null,
      { text: TEXT, version: '2026-01' },
      { granted: null, text: TEXT, version: '2026-01' },
      { granted: false, text: TEXT, version: '2026-01' },
    ]) {
      const phone = nextNumber();
      const lead = await leadConfirmed(phone, marketing_consent);
      expect(lead.status).toBe('verified');
      expect(lead.consent).toBeNull();
      expect((await consentOf(phone)).body).toMatchObject({ state: 'none', history: [] });
    }
  });

  test('threat: "true", 1 or "yes" is refused (422) before anything is sent', async () => {
    for (const granted of ['true', 1, 'yes', {}]) {
      const before = t.printed.length;
      const refused = await call('POST', '/v1/leads', {
        phone: nextNumber(),
        marketing_consent: { granted, text: TEXT, version: '2026-01' },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('invalid_consent');
      expect(t.printed.length).toBe(before);
    }
    const noText = await call('POST', '/v1/leads', {
      phone: nextNumber(),
      marketing_consent: { granted: true },
    });
    expect(noText.body.code).toBe('invalid_consent');
  });

  test('granted: true is recorded only once the code is approved, with its proof', async () => {
    const phone = nextNumber();
    const created = await call('POST', '/v1/leads', {
      phone,
      marketing_consent: { granted: true, text: TEXT, version: '2026-01' },
      client: { ip: '203.0.113.9', user_agent: 'Mozilla/5.0 test' },
    });
    expect(created.body.consent).toMatchObject({ granted: false, at: null });
    expect((await consentOf(phone)).body).toMatchObject({ state: 'none', history: [] });
    const verificationId = (created.body.verification as Json).id;
    await call('POST', `/v1/verify/${verificationId}/check`, { code: await t.lastCode(phone) });

    const state = await consentOf(phone);
    expect(state.body).toMatchObject({ state: 'granted', opposed: false });
    expect(state.body.history).toEqual([
      {
        action: 'granted',
        at: expect.any(String),
        method: 'web_form_sms_code',
        lead_id: created.body.id,
        text: TEXT,
        text_sha256: sha256(TEXT),
        version: '2026-01',
        client_ip: '203.0.113.9',
        user_agent: 'Mozilla/5.0 test',
        route: null,
        reason: null,
      },
    ]);
    const lead = (await call('GET', `/v1/leads/${created.body.id}`)).body;
    expect(lead.consent).toEqual({
      granted: true,
      at: (state.body.history as Json[])[0]?.at,
      text_sha256: sha256(TEXT),
      version: '2026-01',
      withdrawn_at: null,
    });
    const row = events.find(
      (e) => e.type === 'consent.granted' && e.detail.lead_id === created.body.id,
    );
    expect(row).toMatchObject({ verificationId: null, detail: { text_sha256: sha256(TEXT) } });
    expect(JSON.stringify(row)).not.toContain('ACME');
  });

  test('withdrawal: a new row, the lead shows withdrawn_at, and the next OTP still goes out', async () => {
    const phone = nextNumber();
    const lead = await leadConfirmed(phone, { granted: true, text: TEXT, version: '2026-01' });
    const withdrawn = await call('POST', '/v1/consents/withdraw', {
      phone,
      reason: 'asked by phone',
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ state: 'withdrawn', opposed: true });
    expect((withdrawn.body.history as Json[]).map((r) => [r.action, r.method, r.reason])).toEqual([
      ['granted', 'web_form_sms_code', null],
      ['withdrawn', 'api', 'asked by phone'],
    ]);
    const read = (await call('GET', `/v1/leads/${lead.id}`)).body;
    expect(read.consent).toMatchObject({ granted: false, withdrawn_at: expect.any(String) });
    const before = t.printed.length;
    expect((await call('POST', '/v1/verify', { to: phone })).status).toBe(201);
    expect(t.printed.length).toBe(before + 1);
    expect(t.printed.at(-1)).toMatch(/\d{6}/);
  });

  test('an opposed number is not re-consented by a new lead, only by an explicit re-opt-in', async () => {
    const phone = nextNumber();
    await call('POST', '/v1/consents/withdraw', { phone });
    const imported = await leadConfirmed(phone, { granted: true, text: TEXT, version: '2026-02' });
    expect(imported.consent).toMatchObject({ granted: false, at: null });
    let state = (await consentOf(phone)).body;
    expect(state).toMatchObject({ state: 'withdrawn', opposed: true });
    expect((state.history as Json[]).map((r) => r.action)).toEqual(['withdrawn', 'blocked']);
    expect(
      events.some((e) => e.type === 'consent.blocked' && e.detail.lead_id === imported.id),
    ).toBe(true);

    const again = await leadConfirmed(phone, {
      granted: true,
      text: TEXT,
      version: '2026-02',
      re_opt_in: true,
    });
    expect(again.consent).toMatchObject({ granted: true, withdrawn_at: null });
    state = (await consentOf(phone)).body;
    expect(state).toMatchObject({ state: 'granted', opposed: false });
    expect((state.history as Json[]).map((r) => [r.action, r.reason])).toEqual([
      ['withdrawn', null],
      ['blocked', null],
      ['granted', 're_opt_in'],
    ]);
  });

  test('isolation: one app neither sees nor withdraws the consent of another', async () => {
    const phone = nextNumber();
    await leadConfirmed(phone, { granted: true, text: TEXT, version: '2026-01' });
    expect((await consentOf(phone, t.keys.b)).body).toMatchObject({ state: 'none', history: [] });
    await call('POST', '/v1/consents/withdraw', { phone }, t.keys.b);
    expect((await consentOf(phone)).body).toMatchObject({ state: 'granted', opposed: false });
    expect((await consentOf(phone, t.keys.b)).body).toMatchObject({ state: 'withdrawn' });
  });

  test('a malformed number is a 422', async () => {
    expect((await consentOf('12')).status).toBe(422);
    expect((await call('POST', '/v1/consents/withdraw', { phone: 'nope' })).status).toBe(422);
  });

  realTest(
    'threat: the proof rows refuse UPDATE and DELETE; no clear number anywhere',
    async () => {
      const phone = nextNumber();
      await leadConfirmed(phone, { granted: true, text: TEXT, version: '2026-01' });
      await expect(auditTable(t, `update consent_records set version = 'forged'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(auditTable(t, 'delete from consent_records')).rejects.toThrow(/append-only/);
      const dump = await auditTable<{ dump: string }>(
        t,
        `select (select json_agg(c)::text from consent_records c) ||
              (select json_agg(l)::text from leads l) ||
              (select coalesce(json_agg(o)::text, '') from consent_oppositions o) as dump`,
      );
      expect(dump[0]?.dump).not.toContain(phone.slice(1));
    },
  );
});
