import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestClock, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Json = Record<string, unknown>;

const DAY = 24 * 3600 * 1000;
const TEN_YEARS = 3650;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(BACKENDS)('signature evidence under the retention job: $name', (backend) => {
  const clock = createTestClock();
  const start = clock.now();
  let t: TestApp;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await t.call(method, path, { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const at = (days: number, extraMs = 0) =>
    clock.advance(start + days * DAY + extraMs - clock.now());

  test('a signed file stays ten years to the minute, then the job alone removes it; the chain still verifies', async () => {
    const phone = '+33612470001';
    const created = await call('POST', '/v1/signatures', {
      signer: { ref: 'user-7', name: 'Paul Durand', phone },
      document: { id: 'lease-7', title: 'Bail', sha256: sha256('lease 7') },
      consent_text: 'Je signe le bail.',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const signed = await call('POST', `/v1/signatures/${id}/confirm`, {
      code: await t.lastCode(phone),
      document_sha256: sha256('lease 7'),
    });
    expect(signed.body).toMatchObject({ status: 'signed', valid: true });
    expect((await t.call('GET', `/v1/signatures/${id}/evidence`)).status).toBe(200);

    at(TEN_YEARS, -60_000);
    const early = await t.runtime.runRetention();
    expect(early.removed.filter((r) => r.recordType === 'signature_evidence')).toEqual([]);
    expect((await call('GET', `/v1/signatures/${id}`)).status).toBe(200);

    at(TEN_YEARS, 120_000);
    const due = await t.runtime.runRetention();
    expect(due.removed.filter((r) => r.recordType === 'signature_evidence')).toMatchObject([
      { recordType: 'signature_evidence', removed: 1 },
    ]);
    expect((await call('GET', `/v1/signatures/${id}`)).status).toBe(404);
    expect((await t.call('GET', `/v1/signatures/${id}/evidence`)).status).toBe(404);
    // Idempotent: a second run at the same instant removes nothing more.
    const again = await t.runtime.runRetention();
    expect(again.removed.filter((r) => r.recordType === 'signature_evidence')).toEqual([]);
    const verify = await call('GET', '/v1/audit/verify', undefined, t.keys.aAuditOnly);
    expect(verify.body).toMatchObject({ ok: true });
  });
});
