import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.ts';
import { type AuditEvent, auditEvent, systemActor } from '../../src/audit/index.ts';
import { decodeSecretKey } from '../../src/config/schema.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { maskPhone } from '../../src/kernel/phone.ts';
import { recordInbound } from '../../src/sms/receipts/record-inbound.ts';
import { auditTable, captureAuditEvents } from '../helpers/per-app-hmacs.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const NUMBER = '+33612345611';
const OTHER_NUMBER = '+33612345622';

describe.each(BACKENDS)(
  'an inbound STOP reaches exactly the apps that messaged the number, across the per-app HMAC upgrade ($name)',
  (backend) => {
    let t: TestApp;
    let events: AuditEvent[];
    let apps: Record<'a' | 'b' | 'legacyA' | 'legacyB', string>;
    /** The number's HMAC as releases before per-app keys wrote it: one global key for every app. */
    let legacyHmac: (e164: string) => string;

    beforeAll(async () => {
      if (!backend.available) return;
      t = await startTestApp(backend);
      const { phoneHmacKey } = deriveKeys(decodeSecretKey(t.secretKey) as Buffer);
      legacyHmac = (e164) => createHmac('sha256', phoneHmacKey).update(e164, 'utf8').digest('hex');
      const store = t.runtime.modules.access;
      const appId = async (name: string) => (await store.ensureApp(name)).id;
      await createApiKey({ store, appName: 'app-legacy-a', scopes: ['verify'] });
      await createApiKey({ store, appName: 'app-legacy-b', scopes: ['verify'] });
      apps = {
        a: await appId('app-a'),
        b: await appId('app-b'),
        legacyA: await appId('app-legacy-a'),
        legacyB: await appId('app-legacy-b'),
      };
      // Today's sends: app-a to the number, app-b to another one.
      for (const [key, to] of [
        [t.keys.a, NUMBER],
        [t.keys.b, OTHER_NUMBER],
      ] as const) {
        expect((await t.call('POST', '/v1/verify', { key, body: { to } })).status).toBe(201);
      }
      // Sends made before the upgrade, as the old code wrote them through the audit writer.
      const before = Date.now() - 86_400_000;
      await t.runtime.modules.verification.audit.commit(
        (
          [
            [apps.legacyA, NUMBER],
            [apps.legacyB, OTHER_NUMBER],
          ] as const
        ).map(([app, e164]) =>
          auditEvent(
            systemActor(app),
            'sms.sent',
            {
              phone: { masked: maskPhone(e164), hmac: legacyHmac(e164) },
              purpose: 'login',
              outcome: 'ok',
              detail: { route: 'console', provider_message_id: null },
            },
            before,
          ),
        ),
      );
      events = captureAuditEvents(t);
    });
    afterAll(async () => t?.close());
    const test = backend.available ? it : it.skip;
    // What Postgres and Redis themselves hold exists on the real backend only: declared there only,
    // so that a CI run shows no skipped test.
    const realTest = (name: string, fn: () => Promise<void>) => {
      if (backend.real) test(name, fn);
    };

    const stop = async (from: string) => {
      const first = events.length;
      const { inbound } = t.runtime.modules.receipts;
      const answer = await recordInbound(inbound, { route: 'console', from, text: 'STOP' });
      const rows = events.slice(first).filter((e) => e.type === 'sms.inbound');
      expect(rows).toHaveLength(answer.apps);
      for (const row of rows) expect(row.reason).toBe('opt_out');
      return rows;
    };

    test('the app that sent today and the one that sent before the upgrade, and no other', async () => {
      const rows = await stop(NUMBER);
      expect(rows.map((r) => r.appId).sort()).toEqual([apps.a, apps.legacyA].sort());
      const other = await stop(OTHER_NUMBER);
      expect(other.map((r) => r.appId).sort()).toEqual([apps.b, apps.legacyB].sort());
    });

    test('threat: the inbound rows of two apps do not share an HMAC, and none is the legacy one', async () => {
      const rows = await stop(NUMBER);
      const hmacs = rows.map((r) => r.phoneHmac);
      expect(hmacs).toHaveLength(2);
      expect(new Set(hmacs).size).toBe(2);
      expect(hmacs).not.toContain(legacyHmac(NUMBER));
    });

    realTest('as stored in audit_events: each app finds the reply under its own HMAC', async () => {
      await stop(NUMBER);
      const rows = await auditTable<{ app_id: string; type: string; phone_hmac: string }>(
        t,
        `select distinct app_id, type, phone_hmac from audit_events
          where type in ('sms.sent', 'sms.inbound') and phone_masked = '${maskPhone(NUMBER)}'`,
      );
      const of = (app: string, type: string) =>
        rows.filter((r) => r.app_id === app && r.type === type).map((r) => r.phone_hmac);
      // app-a's own sends and replies join on one HMAC of its own.
      expect(of(apps.a, 'sms.inbound')).toEqual(of(apps.a, 'sms.sent'));
      expect(of(apps.a, 'sms.sent')).not.toContain(legacyHmac(NUMBER));
      // The pre-upgrade row keeps its legacy HMAC (the chain is never rewritten); new rows do not.
      expect(of(apps.legacyA, 'sms.sent')).toEqual([legacyHmac(NUMBER)]);
      expect(of(apps.legacyA, 'sms.inbound')).toHaveLength(1);
      expect(of(apps.legacyA, 'sms.inbound')).not.toContain(legacyHmac(NUMBER));
    });
  },
);
