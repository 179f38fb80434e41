import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.ts';
import type { AuditEvent } from '../../src/audit/index.ts';
import { decodeSecretKey } from '../../src/config/schema.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from '../../src/kernel/crypto/phone-protector.ts';
import { captureAuditEvents, hmacsInRedisKeys } from '../helpers/per-app-hmacs.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Json = Record<string, unknown>;

const ERASED = '+33612399001';
const KEPT = '+33612399002';

/** Every row of every table of the service's schema, as JSON text, table by table. */
async function everyRow(t: TestApp): Promise<Map<string, string[]>> {
  const { db } = t.runtime.modules.auditLog.database;
  const tables = await db.execute<{ name: string }>(
    sql`select table_name as name from information_schema.tables
         where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const out = new Map<string, string[]>();
  for (const { name } of tables.rows) {
    const rows = await db.execute<{ j: string }>(
      sql`select row_to_json(x)::text as j from ${sql.identifier(name)} x`,
    );
    out.set(
      name,
      rows.rows.map((r) => r.j),
    );
  }
  return out;
}

describe.each(BACKENDS)('erasure of a person (POST /v1/subjects/erase): $name', (backend) => {
  let t: TestApp;
  let events: AuditEvent[];
  let admin: string;
  let appId: string;
  let auditKey: string;
  /** The HMACs an operator holding SECRET_KEY could recompute for the erased number. */
  let operatorHmacs: readonly string[];
  let subjectHmacBefore: string;
  let leadId: string;
  let keptLeadId: string;
  let erasure: { status: number; body: Json };

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await t.call(method, path, { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const leadFor = async (phone: string) => {
    const created = await call('POST', '/v1/leads', {
      phone,
      source: 'landing',
      attributes: { company: 'ACME', email: 'jeanne@example.com' },
      marketing_consent: {
        granted: true,
        version: '2026-01',
        text: 'Offres par SMS. STOP au 36123.',
      },
    });
    expect(created.status).toBe(201);
    const verification = created.body.verification as Json;
    const code = await t.lastCode(phone);
    expect((await call('POST', `/v1/verify/${verification.id}/check`, { code })).body.valid).toBe(
      true,
    );
    return created.body.id as string;
  };

  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    events = captureAuditEvents(t);
    const store = t.runtime.modules.access;
    const created = await createApiKey({ store, appName: 'app-a', scopes: ['admin'] });
    admin = created.key;
    appId = created.appId;
    auditKey = t.keys.aAuditOnly;
    operatorHmacs = createPhoneProtector(
      deriveKeys(decodeSecretKey(t.secretKey) as Buffer),
    ).lookupHmacs(appId, ERASED);

    leadId = await leadFor(ERASED);
    keptLeadId = await leadFor(KEPT);
    expect((await call('POST', '/v1/consents/withdraw', { phone: ERASED })).status).toBe(200);
    // A wrong check: a failed-check lock in Redis (or in process) under the number's HMAC.
    const login = await call('POST', '/v1/verify', { to: ERASED });
    await call('POST', `/v1/verify/${login.body.id}/check`, { code: '000000' });
    await call('POST', `/v1/verify/${login.body.id}/check`, { code: '000001' });
    subjectHmacBefore = await t.runtime.modules.verification.subjects.hmac(appId, ERASED);

    erasure = await call(
      'POST',
      '/v1/subjects/erase',
      { phone: '06 12 39 90 01', country: 'FR' },
      admin,
    );
    // Many sends and argon2 checks on a shared 2-core machine.
  }, 240_000);
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  const realTest = (name: string, fn: () => Promise<void>) => {
    if (backend.real) test(name, fn);
  };

  test('the rows before erasure carried the subject HMAC, never one under the operator key', () => {
    const hmacs = new Set(events.map((e) => e.phoneHmac).filter(Boolean));
    expect(hmacs).toContain(subjectHmacBefore);
    for (const hmac of operatorHmacs) expect(hmacs).not.toContain(hmac);
  });

  test('answers what was removed, and records it without the number', () => {
    expect(erasure.status).toBe(200);
    expect(erasure.body).toEqual({
      phone: '+33 6•• •• •• 01',
      erased: true,
      removed: { leads: 1, consent_records: 2, consent_oppositions: 1, phone_locks: 1 },
      subject_key: true,
    });
    const row = events.find((e) => e.type === 'subject.erased');
    expect(row).toMatchObject({ appId, phoneHmac: null, phoneMasked: null, outcome: 'ok' });
    expect(row?.detail).toMatchObject({ removed: erasure.body.removed, subject_key: true });
  });

  test("the person's lead and consent are gone; another person's stay", async () => {
    expect((await call('GET', `/v1/leads/${leadId}`)).status).toBe(404);
    const consent = await call('GET', `/v1/consents?phone=${encodeURIComponent(ERASED)}`);
    expect(consent.body).toMatchObject({ history: [] });
    expect((await call('GET', `/v1/leads/${keptLeadId}`)).body).toMatchObject({
      status: 'verified',
    });
    const kept = await call('GET', `/v1/consents?phone=${encodeURIComponent(KEPT)}`);
    expect((kept.body.history as unknown[]).length).toBe(1);
  });

  test('no table holds the number, nor its HMAC under the operator key, nor its subject key', async () => {
    const tables = await everyRow(t);
    expect(tables.get('audit_events')?.length).toBeGreaterThan(10);
    for (const [table, rows] of tables) {
      const text = rows.join('\n');
      expect(text, table).not.toContain(ERASED.slice(1));
      expect(text, table).not.toContain(ERASED.slice(3));
      for (const hmac of operatorHmacs) expect(text, table).not.toContain(hmac);
    }
    // The HMAC left in the audit rows is computable by nobody: the key it was made with is gone.
    expect(await t.runtime.modules.verification.subjects.lookupHmacs(appId, ERASED)).toEqual(
      operatorHmacs,
    );
    expect(tables.get('audit_events')?.join('\n')).toContain(subjectHmacBefore);
  });

  test('no log line holds the number or its HMAC under the operator key', () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(ERASED.slice(3));
    for (const hmac of operatorHmacs) expect(logs).not.toContain(hmac);
  });

  realTest('no Redis key names its HMAC under the operator key', async () => {
    const inRedis = await hmacsInRedisKeys(t, appId);
    for (const hmac of operatorHmacs) expect(inRedis).not.toContain(hmac);
  });

  test('the audit chain and the Merkle log still verify, and an older event still has its proof', async () => {
    expect((await call('GET', '/v1/audit/verify', undefined, auditKey)).body).toMatchObject({
      ok: true,
      log: { ok: true },
    });
    const created = await call(
      'GET',
      '/v1/audit/events?type=lead.created&limit=1&order=asc',
      undefined,
      auditKey,
    );
    const first = (created.body.events as Json[])[0] as Json;
    expect(
      (await t.call('GET', `/v1/audit/events/${first.id}/proof`, { key: auditKey })).status,
    ).toBe(200);
  });

  test('a later send gets a new subject key, unrelated to the erased one; erasing again removes nothing more', async () => {
    expect((await call('POST', '/v1/verify', { to: ERASED })).status).toBe(201);
    const after = await t.runtime.modules.verification.subjects.hmac(appId, ERASED);
    expect(after).not.toBe(subjectHmacBefore);
    const again = await call('POST', '/v1/subjects/erase', { phone: ERASED }, admin);
    expect(again.body).toMatchObject({
      removed: { leads: 0, consent_records: 0, consent_oppositions: 0, phone_locks: 0 },
      subject_key: true,
    });
    const third = await call('POST', '/v1/subjects/erase', { phone: ERASED }, admin);
    expect(third.body).toMatchObject({ subject_key: false });
  });

  test('only an admin key erases; a bad number is a 422 that writes nothing', async () => {
    const before = events.length;
    expect((await call('POST', '/v1/subjects/erase', { phone: KEPT })).status).toBe(403);
    expect((await call('POST', '/v1/subjects/erase', { phone: KEPT }, auditKey)).status).toBe(403);
    const bad = await call('POST', '/v1/subjects/erase', { phone: '12' }, admin);
    expect(bad).toMatchObject({ status: 422, body: { code: 'invalid_phone_number' } });
    const extra = await call('POST', '/v1/subjects/erase', { phone: KEPT, oops: 1 }, admin);
    expect(extra.status).toBe(400);
    expect(events.length).toBe(before);
    expect((await call('GET', `/v1/leads/${keptLeadId}`)).status).toBe(200);
  });
});
