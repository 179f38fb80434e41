import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/index.ts';
import { captureAuditEvents } from '../helpers/per-app-hmacs.ts';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

type Json = Record<string, unknown>;

describe.each(BACKENDS)('leads: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  let events: AuditEvent[];
  let numberSeq = 0;
  // Each test its own numbers: the verification of one never cancels another's.
  const nextNumber = () => `+336123${String(40_000 + numberSeq++).padStart(5, '0')}`;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    events = captureAuditEvents(t);
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await t.call(method, path, { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const createLead = (body: Json, key?: string) => call('POST', '/v1/leads', body, key);
  const check = (id: unknown, code: string) => call('POST', `/v1/verify/${id}/check`, { code });
  const verification = (lead: Json) => lead.verification as Json;
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  test('the right code makes the lead verified, with its signals and audit rows', async () => {
    const phone = nextNumber();
    const created = await createLead({
      phone,
      source: 'landing-ebook',
      form: 'ebook-download',
      lead_ref: 'crm-123',
      attributes: { company: 'ACME' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'pending_verification',
      phone: `+33 6•• •• •• ${phone.slice(-2)}`,
      source: 'landing-ebook',
      lead_ref: 'crm-123',
      verified_at: null,
      signals: { sends: 1, attempts: 0, seconds_to_verify: null },
    });
    expect(created.body.id).toMatch(/^lead_[A-Za-z0-9_-]{22}$/);
    expect(verification(created.body)).toMatchObject({ purpose: 'lead', status: 'pending' });

    const code = await t.lastCode(phone);
    clock.advance(42_000);
    expect((await check(verification(created.body).id, wrongCode(code))).body.valid).toBe(false);
    expect((await check(verification(created.body).id, code)).body.valid).toBe(true);

    const read = await call('GET', `/v1/leads/${created.body.id}`);
    expect(read.body).toMatchObject({
      status: 'verified',
      verified_at: new Date(clock.now()).toISOString(),
      signals: { sends: 1, attempts: 2, seconds_to_verify: 42 },
    });
    const types = events.filter((e) => e.detail.lead_id === created.body.id).map((e) => e.type);
    expect(types).toEqual(['lead.created', 'lead.verified']);
    // No clear number in any of the lead's rows.
    for (const e of events) expect(JSON.stringify(e)).not.toContain(phone.slice(1));
  });

  test('every attempt wrong: the lead is unverified (max_attempts_reached)', async () => {
    const phone = nextNumber();
    const created = await createLead({ phone });
    const wrong = wrongCode(await t.lastCode(phone));
    for (let i = 0; i < 5; i++) await check(verification(created.body).id, wrong);
    const read = await call('GET', `/v1/leads/${created.body.id}`);
    expect(read.body).toMatchObject({
      status: 'unverified',
      unverified_reason: 'max_attempts_reached',
      signals: { attempts: 5 },
    });
    expect(
      events.some((e) => e.type === 'lead.unverified' && e.detail.lead_id === created.body.id),
    ).toBe(true);
  });

  test('its code expired: the lead is unverified (expired), in the list filter too', async () => {
    const phone = nextNumber();
    const created = await createLead({ phone, source: 'expiry-test' });
    const list = async (status: string) =>
      (
        (await call('GET', `/v1/leads?source=expiry-test&status=${status}`)).body.leads as Json[]
      ).map((l) => l.id);
    expect(await list('pending_verification')).toEqual([created.body.id]);
    clock.advance(600_000);
    expect(await list('unverified')).toEqual([created.body.id]);
    expect(await list('pending_verification')).toEqual([]);
    const read = await call('GET', `/v1/leads/${created.body.id}`);
    expect(read.body).toMatchObject({ status: 'unverified', unverified_reason: 'expired' });
    // The late code no longer verifies it.
    const late = await check(verification(created.body).id, await t.lastCode(phone));
    expect(late.body.valid).toBe(false);
    expect((await call('GET', `/v1/leads/${created.body.id}`)).body.status).toBe('unverified');
  });

  test('qualifications are appended; the history keeps every one', async () => {
    const created = await createLead({ phone: nextNumber() });
    const path = `/v1/leads/${created.body.id}/qualification`;
    const first = await call('POST', path, { stage: 'warm', score: 40, bant: { need: 'CRM' } });
    expect(first.status).toBe(200);
    const second = await call('POST', path, {
      stage: 'qualified',
      score: 85,
      bant: { budget: '10k', authority: 'CTO', need: 'CRM', timeline: 'Q3' },
      note: 'call back',
    });
    expect(second.body.qualification).toMatchObject({
      stage: 'qualified',
      score: 85,
      note: 'call back',
    });
    const read = await call('GET', `/v1/leads/${created.body.id}`);
    expect((read.body.qualification_history as Json[]).map((q) => [q.stage, q.score])).toEqual([
      ['warm', 40],
      ['qualified', 85],
    ]);
    expect((await call('POST', path, { stage: 'hot' })).status).toBe(400);
    expect((await call('POST', path, { stage: 'warm', score: 101 })).status).toBe(400);
    expect(
      events.filter((e) => e.type === 'lead.qualified' && e.detail.lead_id === created.body.id),
    ).toHaveLength(2);
  });

  test('cursor paging returns every lead once; a forged or re-filtered cursor is refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(1);
      ids.push((await createLead({ phone: nextNumber(), source: 'paging' })).body.id as string);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/leads?source=paging&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call('GET', query);
      expect(page.status).toBe(200);
      seen.push(...(page.body.leads as Json[]).map((l) => l.id as string));
      cursor = page.body.next_cursor as string | null;
      pages++;
      if (pages === 1) {
        const c = cursor as string;
        const forged = `${Buffer.from(JSON.stringify({ t: 0, i: 'lead_x' })).toString('base64url')}.${c.split('.')[1]}`;
        const refused = { status: 422, body: { code: 'invalid_filter', field: 'cursor' } };
        expect(await call('GET', `/v1/leads?source=paging&cursor=${forged}`)).toMatchObject(
          refused,
        );
        expect(await call('GET', `/v1/leads?source=other&cursor=${c}`)).toMatchObject(refused);
        expect(
          await call('GET', `/v1/leads?source=paging&cursor=${c}`, undefined, t.keys.b),
        ).toMatchObject(refused);
      }
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  test('isolation: another app neither reads, qualifies nor lists the lead', async () => {
    const created = await createLead({ phone: nextNumber(), source: 'isolation' });
    const id = created.body.id as string;
    expect((await call('GET', `/v1/leads/${id}`, undefined, t.keys.b)).status).toBe(404);
    expect(
      (await call('POST', `/v1/leads/${id}/qualification`, { stage: 'cold' }, t.keys.b)).status,
    ).toBe(404);
    expect(
      (await call('GET', '/v1/leads?source=isolation', undefined, t.keys.b)).body.leads as Json[],
    ).toEqual([]);
    const exported = await t.call('GET', '/v1/leads/export?format=ndjson&source=isolation', {
      key: t.keys.b,
    });
    expect(await exported.text()).toBe('');
  });

  test('Idempotency-Key: the same request answers the same lead and sends once', async () => {
    const phone = nextNumber();
    const request = () =>
      t.app.request('/v1/leads', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.keys.a}`,
          'content-type': 'application/json',
          'idempotency-key': `lead-${phone}`,
        },
        body: JSON.stringify({ phone, source: 'idem' }),
      });
    const first = (await (await request()).json()) as Json;
    const before = t.printed.length;
    const again = await request();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as Json).id).toBe(first.id);
    expect(t.printed.length).toBe(before);
  });

  test('export: CSV cells that a spreadsheet would run are neutralised; NDJSON parses', async () => {
    await createLead({
      phone: nextNumber(),
      source: 'export-test',
      form: '=HYPERLINK("http://evil.example","x")',
      lead_ref: '@SUM(1,2)',
    });
    const csv = await (
      await t.call('GET', '/v1/leads/export?format=csv&source=export-test')
    ).text();
    const [header, row] = csv.split('\r\n');
    expect(header?.startsWith('id,status,')).toBe(true);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(row).toContain(`"'@SUM(1,2)"`);
    const ndjson = await (
      await t.call('GET', '/v1/leads/export?format=ndjson&source=export-test')
    ).text();
    const lines = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.form).toBe('=HYPERLINK("http://evil.example","x")');
    expect(lines[0]?.consent).toBeNull();
    expect(events.some((e) => e.type === 'lead.exported' && e.detail.rows === 1)).toBe(true);
  });

  test('export: each lead carries its consent, granted then withdrawn, in CSV and NDJSON', async () => {
    const phone = nextNumber();
    const created = await createLead({
      phone,
      source: 'export-consent',
      marketing_consent: { granted: true, version: 'v7', text: 'Offres SMS. STOP au 36123.' },
    });
    await check(verification(created.body).id, await t.lastCode(phone));
    const exported = async (format: string) =>
      (await t.call('GET', `/v1/leads/export?format=${format}&source=export-consent`)).text();
    const ndjson = JSON.parse((await exported('ndjson')).trim()) as Json;
    expect(ndjson.consent).toMatchObject({ granted: true, version: 'v7', withdrawn_at: null });
    expect((await call('POST', '/v1/consents/withdraw', { phone })).status).toBe(200);
    const [header, row] = (await exported('csv')).split('\r\n');
    const cells = Object.fromEntries(
      (header?.split(',') ?? []).map((name, i) => [name, row?.split(',')[i]]),
    );
    expect(cells).toMatchObject({ consent_granted: 'false', consent_version: 'v7' });
    expect(cells.consent_withdrawn_at).toMatch(/^\d{4}-/);
  });

  test('a lead follows its verification when it is canceled or superseded', async () => {
    const phone = nextNumber();
    const first = await createLead({ phone, source: 'cancel' });
    const canceled = await call('DELETE', `/v1/verify/${verification(first.body).id}`);
    expect(canceled.body.status).toBe('canceled');
    expect((await call('GET', `/v1/leads/${first.body.id}`)).body).toMatchObject({
      status: 'unverified',
    });
    clock.advance(60_000);
    const second = await createLead({ phone, source: 'cancel' });
    clock.advance(60_000);
    const third = await createLead({ phone, source: 'cancel' });
    expect((await call('GET', `/v1/leads/${second.body.id}`)).body).toMatchObject({
      status: 'unverified',
    });
    expect((await call('GET', `/v1/leads/${third.body.id}`)).body).toMatchObject({
      status: 'pending_verification',
    });
    const reasons = events
      .filter(
        (e) =>
          e.type === 'lead.unverified' &&
          [first.body.id, second.body.id].includes(e.detail.lead_id as string),
      )
      .map((e) => e.reason);
    expect(reasons).toEqual(['canceled', 'canceled']);
  });

  test('an invalid number is refused before anything is sent', async () => {
    const before = t.printed.length;
    const refused = await createLead({ phone: '+3361' });
    expect(refused.status).toBe(422);
    expect(t.printed.length).toBe(before);
  });
});

describe.each(BACKENDS)('leads linking to a recent verification: $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, {
      settings: settingsWith({ leads: { linkVerifiedWithinSeconds: 3600 } }),
    });
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  const PHONE = '+33612349999';

  test('a number verified within the window links instead of sending; opting out sends', async () => {
    const lead = async (body: Json) =>
      (await (await t.call('POST', '/v1/leads', { body })).json()) as Json;
    const first = await lead({ phone: PHONE });
    const code = await t.lastCode(PHONE);
    await t.call('POST', `/v1/verify/${(first.verification as Json).id}/check`, { body: { code } });
    const sent = t.printed.length;
    const linked = await lead({ phone: PHONE, source: 'second-form' });
    expect(linked).toMatchObject({
      status: 'verified',
      linked_lead_id: first.id,
      verification: null,
    });
    expect(t.printed.length).toBe(sent);
    const fresh = await lead({ phone: PHONE, link_recent_verification: false });
    expect(fresh).toMatchObject({ status: 'pending_verification', linked_lead_id: null });
    expect(t.printed.length).toBe(sent + 1);
  });
});
