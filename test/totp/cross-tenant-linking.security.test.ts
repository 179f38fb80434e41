import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/index.ts';
import { auditTable, captureAuditEvents, hmacsInRedisKeys } from '../helpers/per-app-hmacs.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const USER_REF = 'alice@example.com';

const userHmacsOf = (events: AuditEvent[], appId: string) =>
  new Set(
    events
      .filter((e) => e.appId === appId && e.type.startsWith('totp.'))
      .map((e) => e.detail.user_hmac),
  );

const shared = (a: Set<unknown>, b: Set<unknown>) => [...a].filter((value) => b.has(value));

describe.each(BACKENDS)(
  'threat: one user_ref in two apps links its person across tenants ($name)',
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
      // Each app enrols the same user and gets the confirmation code wrong once: the failure is
      // counted in Redis by the user's HMAC, and every step is an audit row.
      for (const key of [t.keys.a, t.keys.b]) {
        const enrolled = await t.call('POST', '/v1/totp/factors', {
          key,
          body: { user_ref: USER_REF },
        });
        expect(enrolled.status).toBe(201);
        const { id } = (await enrolled.json()) as { id: string };
        const wrong = await t.call('POST', `/v1/totp/factors/${id}/confirm`, {
          key,
          body: { code: '000000' },
        });
        // 000000 is the current code once in a million runs; then the factor is simply confirmed.
        expect([200, 422]).toContain(wrong.status);
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

    test('the TOTP audit rows of the two apps carry different user HMACs', () => {
      const a = userHmacsOf(events, appA);
      const b = userHmacsOf(events, appB);
      expect(a.size).toBe(1);
      expect(b.size).toBe(1);
      expect([...a][0]).toMatch(/^[0-9a-f]{64}$/);
      expect(shared(a, b)).toEqual([]);
    });

    realTest('so do the rows in audit_events', async () => {
      const rows = await auditTable<{ app_id: string; user_hmac: string }>(
        t,
        `select distinct app_id, detail->>'user_hmac' as user_hmac from audit_events
          where type like 'totp.%'`,
      );
      const of = (app: string) =>
        new Set(rows.filter((r) => r.app_id === app).map((r) => r.user_hmac));
      expect(of(appA).size).toBe(1);
      expect(of(appB).size).toBe(1);
      expect(shared(of(appA), of(appB))).toEqual([]);
    });

    realTest('no Redis key name of one app holds the user HMAC of the other', async () => {
      const a = await hmacsInRedisKeys(t, appA);
      const b = await hmacsInRedisKeys(t, appB);
      expect(a).toContain([...userHmacsOf(events, appA)][0]);
      expect(b).toContain([...userHmacsOf(events, appB)][0]);
      expect(shared(a, b)).toEqual([]);
    });
  },
);
