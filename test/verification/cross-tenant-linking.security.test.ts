import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/index.ts';
import { decodeSecretKey } from '../../src/config/schema.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { auditTable, captureAuditEvents, hmacsInRedisKeys } from '../helpers/per-app-hmacs.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const TO = '+33612345601';

const hmacsOf = (events: AuditEvent[], appId: string) =>
  new Set(events.filter((e) => e.appId === appId && e.phoneHmac).map((e) => e.phoneHmac));

const shared = (a: Set<unknown>, b: Set<unknown>) => [...a].filter((value) => b.has(value));

describe.each(BACKENDS)(
  'threat: one number sent to by two apps links its person across tenants ($name)',
  (backend) => {
    let t: TestApp;
    let events: AuditEvent[];
    let appA: string;
    let appB: string;
    beforeAll(async () => {
      if (!backend.available) return;
      t = await startTestApp(backend);
      events = captureAuditEvents(t);
      appA = (await t.runtime.modules.access.ensureApp('app-a')).id;
      appB = (await t.runtime.modules.access.ensureApp('app-b')).id;
      // Each app sends to the same number and gets one check wrong: sends, failed checks and the
      // pumping watch each key Redis counters by the number (or its prefix).
      for (const key of [t.keys.a, t.keys.b]) {
        const started = await t.call('POST', '/v1/verify', { key, body: { to: TO } });
        expect(started.status).toBe(201);
        const { id } = (await started.json()) as { id: string };
        const code = await t.lastCode(TO, key);
        const wrong = code === '000000' ? '000001' : '000000';
        await t.call('POST', `/v1/verify/${id}/check`, { key, body: { code: wrong } });
      }
    });
    afterAll(async () => t?.close());
    const test = backend.available ? it : it.skip;
    // Postgres and Redis are read directly on the real backend only.
    // What Postgres and Redis themselves hold exists on the real backend only: declared there only,
    // so that a CI run shows no skipped test.
    const realTest = (name: string, fn: () => Promise<void>) => {
      if (backend.real) test(name, fn);
    };

    /** The number's HMAC as releases before per-app keys wrote it, for every app alike. */
    const legacyHmac = () =>
      createHmac('sha256', deriveKeys(decodeSecretKey(t.secretKey) as Buffer).phoneHmacKey)
        .update(TO, 'utf8')
        .digest('hex');

    test('the audit rows of the two apps carry different phone HMACs', () => {
      const a = hmacsOf(events, appA);
      const b = hmacsOf(events, appB);
      expect(a.size).toBe(1);
      expect(b.size).toBe(1);
      expect(shared(a, b)).toEqual([]);
      const types = new Set(events.filter((e) => e.phoneHmac).map((e) => e.type));
      expect(types).toContain('sms.sent');
      // Nor the legacy global one, which lookups still try for rows older than per-app keys.
      expect([...hmacsOf(events, appA), ...hmacsOf(events, appB)]).not.toContain(legacyHmac());
    });

    realTest('so do the rows in audit_events', async () => {
      const rows = await auditTable<{ app_id: string; phone_hmac: string }>(
        t,
        'select distinct app_id, phone_hmac from audit_events where phone_hmac is not null',
      );
      const of = (app: string) =>
        new Set(rows.filter((r) => r.app_id === app).map((r) => r.phone_hmac));
      expect(of(appA).size).toBe(1);
      expect(of(appB).size).toBe(1);
      expect(shared(of(appA), of(appB))).toEqual([]);
    });

    realTest(
      'no Redis key name of one app holds an HMAC of the other (limits, pumping prefix)',
      async () => {
        const a = await hmacsInRedisKeys(t, appA);
        const b = await hmacsInRedisKeys(t, appB);
        // The per-number counters are there, keyed by the app's own HMAC of the number...
        expect(a).toContain([...hmacsOf(events, appA)][0]);
        expect(b).toContain([...hmacsOf(events, appB)][0]);
        // ...and the pumping watch's prefix HMAC as well.
        expect(a.size).toBeGreaterThan(1);
        expect(shared(a, b)).toEqual([]);
        expect([...a, ...b]).not.toContain(legacyHmac());
      },
    );
  },
);
