import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/access/api-keys.ts';
import { CSV_COLUMNS, searchAuditEvents } from '../../src/audit/index.ts';
import {
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  SIGNIN_FAILURES,
  UNATTRIBUTED_APP_ID,
} from '../../src/console/sessions.ts';
import { BACKENDS, createTestClock, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { consoleClient, csrfField, setCookie } from './console-client.ts';

for (const backend of BACKENDS.filter((b) => b.available)) {
  describe(`console over HTTP, without a browser (${backend.name})`, () => {
    const clock = createTestClock();
    let testApp: TestApp;
    const rows = (
      appId: string,
      type: 'console.signin_failed' | 'console.signed_in' | 'console.signed_out',
    ) =>
      searchAuditEvents(testApp.runtime.modules.audit, appId, { type }).then((page) => page.events);

    beforeAll(async () => {
      testApp = await startTestApp(backend, { clock });
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('serves every page with a strict CSP, nosniff, no referrer and no caching', async () => {
      const client = consoleClient(testApp);
      const page = await client.get('/console/signin');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toMatch(/^<!DOCTYPE html>|^<html lang="en">/);
      expect(html).not.toMatch(/<script|style="/);
      const sheet = /href="(\/console\/static\/console-[0-9a-f]{16}\.css)"/.exec(html)?.[1];
      expect(sheet).toBeDefined();
      const css = await client.get(sheet as string);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
      expect(css.headers.get('cache-control')).toContain('immutable');
    });

    it('signs in with an audit:read key: an HttpOnly, SameSite=Strict cookie scoped to /console', async () => {
      const client = consoleClient(testApp);
      const response = await client.signIn(testApp.keys.aAuditOnly);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/console/events');
      const cookie = setCookie(response, 'tessera_console');
      expect(cookie?.attributes).toMatch(/HttpOnly/);
      expect(cookie?.attributes).toMatch(/SameSite=Strict/);
      expect(cookie?.attributes).toMatch(/Path=\/console/);
      expect(cookie?.attributes).not.toMatch(/Secure/);
      // The cookie is an opaque token: not the key, nor anything of it.
      expect(cookie?.value).not.toContain(testApp.keys.aAuditOnly.slice(4, 12));
      const events = await client.get('/console/events');
      expect(events.status).toBe(200);
      expect(events.headers.get('cache-control')).toBe('no-store');
      expect(await events.text()).toContain('<h1>Attempts</h1>');
      expect((await rows(await appIdOf(testApp), 'console.signed_in')).length).toBeGreaterThan(0);
    });

    it('marks the cookies Secure over HTTPS, but not on a client-sent X-Forwarded-Proto', async () => {
      const secure = await consoleClient(testApp, 'https://console.example').signIn(
        testApp.keys.aAuditOnly,
      );
      expect(setCookie(secure, 'tessera_console')?.attributes).toMatch(/Secure/);
      const forged = await consoleClient(testApp).signIn(testApp.keys.aAuditOnly, {
        'x-forwarded-proto': 'https',
      });
      expect(setCookie(forged, 'tessera_console')?.attributes).not.toMatch(/Secure/);
    });

    it('refuses a sign-in without the form token, with another token, or from another origin', async () => {
      const client = consoleClient(testApp);
      const form = await client.get('/console/signin');
      const csrf = csrfField(await form.text());
      const key = testApp.keys.aAuditOnly;
      expect((await client.post('/console/signin', { key })).status).toBe(403);
      expect((await client.post('/console/signin', { key, csrf: `${csrf}x` })).status).toBe(403);
      const crossOrigin = await client.post(
        '/console/signin',
        { key, csrf },
        { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(crossOrigin.status).toBe(403);
      // Same site, other port: still not this origin.
      const sameSite = await client.post(
        '/console/signin',
        { key, csrf },
        { 'sec-fetch-site': 'same-site' },
      );
      expect(sameSite.status).toBe(403);
      expect(client.jar.has('tessera_console')).toBe(false);
    });

    it('signs out only with the session token, and the session is gone afterwards', async () => {
      const client = consoleClient(testApp);
      await client.signIn(testApp.keys.aAuditOnly);
      const page = await (await client.get('/console/events')).text();
      expect((await client.post('/console/signout', {})).status).toBe(403);
      expect(
        (
          await client.post(
            '/console/signout',
            { csrf: csrfField(page) },
            { origin: 'http://evil.example' },
          )
        ).status,
      ).toBe(403);
      expect((await client.get('/console/events')).status).toBe(200);
      const stolen = [...client.jar].map(([n, v]) => `${n}=${v}`).join('; ');
      const out = await client.post('/console/signout', { csrf: csrfField(page) });
      expect(out.status).toBe(303);
      expect(setCookie(out, 'tessera_console')?.attributes).toMatch(/Max-Age=0/);
      // The old cookie, replayed, opens nothing: the session was deleted server-side.
      const replay = await testApp.app.request('http://localhost/console/events', {
        headers: { cookie: stolen },
      });
      expect(replay.status).toBe(303);
      expect(replay.headers.get('location')).toBe('/console/signin');
      expect((await rows(await appIdOf(testApp), 'console.signed_out')).length).toBeGreaterThan(0);
    });

    it('refuses and audits a wrong key and a key without audit:read, never recording the key', async () => {
      const verifyOnly = consoleClient(testApp);
      const refused = await verifyOnly.signIn(testApp.keys.a);
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain('audit:read scope');
      const wrongKey = 'tsk_0badc0de_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      expect((await consoleClient(testApp).signIn(wrongKey)).status).toBe(401);
      const missing = (await rows(await appIdOf(testApp), 'console.signin_failed')).filter(
        (row) => row.reason === 'missing_scope',
      );
      expect(missing).toHaveLength(1);
      const unknown = (await rows(UNATTRIBUTED_APP_ID, 'console.signin_failed')).filter(
        (row) => row.reason === 'unknown_key',
      );
      expect(unknown.map((row) => row.detail)).toContainEqual({ key_hint: 'tsk_0badc0de…' });
      expect(JSON.stringify(unknown)).not.toContain('AAAAAAAAAAAAAAAA');
    });

    it('limits failed sign-ins per address: the next one is refused with 429, even with a right key', async () => {
      // A fresh app keeps this test's counter apart: requests without a socket share one address.
      const limited = await startTestApp(backend, { clock });
      try {
        for (let i = 0; i < SIGNIN_FAILURES.points; i++) {
          expect((await consoleClient(limited).signIn('tsk_nope')).status).toBe(401);
        }
        const blocked = await consoleClient(limited).signIn(limited.keys.aAuditOnly);
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
        const audited = await searchAuditEvents(
          limited.runtime.modules.audit,
          UNATTRIBUTED_APP_ID,
          {
            type: 'console.signin_failed',
            reason: 'rate_limited',
          },
        );
        expect(audited.events).toHaveLength(1);
      } finally {
        await limited.close();
      }
    });

    it('ends the session when its key is revoked', async () => {
      const store = testApp.runtime.modules.access;
      const created = await createApiKey({ store, appName: 'app-a', scopes: ['audit:read'] });
      const client = consoleClient(testApp);
      await client.signIn(created.key);
      expect((await client.get('/console/events')).status).toBe(200);
      await revokeApiKey({ store, keyId: created.id, now: new Date(clock.now()) });
      const after = await client.get('/console/events');
      expect(after.status).toBe(303);
      expect(after.headers.get('location')).toBe('/console/signin');
    });

    it('ends a session idle for 30 minutes, and any session after 8 hours however busy', async () => {
      const idle = consoleClient(testApp);
      await idle.signIn(testApp.keys.aAuditOnly);
      clock.advance(SESSION_IDLE_MS - 60_000);
      expect((await idle.get('/console/events')).status).toBe(200);
      clock.advance(SESSION_IDLE_MS);
      expect((await idle.get('/console/events')).status).toBe(303);

      const busy = consoleClient(testApp);
      await busy.signIn(testApp.keys.aAuditOnly);
      for (let spent = 0; spent + 20 * 60_000 < SESSION_ABSOLUTE_MS; spent += 20 * 60_000) {
        clock.advance(20 * 60_000);
        expect((await busy.get('/console/events')).status).toBe(200);
      }
      clock.advance(20 * 60_000);
      expect((await busy.get('/console/events')).status).toBe(303);
    });

    it('names a bad filter instead of listing, and lists one number’s attempts only', async () => {
      const client = consoleClient(testApp);
      await client.signIn(testApp.keys.aAuditOnly);
      const bad = await client.get('/console/events?ip=10.0.0.0/33');
      expect(bad.status).toBe(422);
      const html = await bad.text();
      // The first wrong filter is named, and links to its field.
      expect(html).toContain('<a href="#f-ip">ip is not an IP address or a CIDR range');
      expect(html).toMatch(/id="f-ip"[^>]*aria-invalid="true"/);
      // Times from the datetime-local fields are read as UTC.
      const reversed = await client.get(
        '/console/events?since=2026-02-01T00:00&until=2026-01-01T00:00',
      );
      expect(reversed.status).toBe(422);
      expect(await reversed.text()).toContain('<a href="#f-since">since is after until.');
      const forged = await client.get('/console/events?cursor=bm90LWEtY3Vyc29y');
      expect(forged.status).toBe(422);

      for (const to of ['+33612345678', '+33698765432']) {
        expect(
          (await testApp.call('POST', '/v1/verify', { body: { to, channel: 'sms' } })).status,
        ).toBe(201);
      }
      const one = await (
        await client.get('/console/events?phone=%2B33612345678&type=verification.created')
      ).text();
      expect(one).toContain('+33 6•• •• •• 78');
      expect(one).not.toContain('+33 6•• •• •• 32');
      // The number is in the filter field and links as typed; the rows show it masked only.
      const tbody = /<tbody>[\s\S]*<\/tbody>/.exec(one)?.[0] ?? '';
      expect(tbody).toContain('+33 6•• •• •• 78');
      expect(tbody).not.toContain('33612345678');
    });

    it('exports the filtered events as a download, the API export trailer last, formula cells defused', async () => {
      const client = consoleClient(testApp);
      await client.signIn(testApp.keys.aAuditOnly);
      const started = await testApp.call('POST', '/v1/verify', {
        body: { to: '+33611223344', client: { ip: '198.51.100.9', user_agent: '=2+5' } },
      });
      expect(started.status).toBe(201);
      const csv = await client.get('/console/export?format=csv&ip=198.51.100.0/24');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(
        /^attachment; filename="tessera-audit-app-a-/,
      );
      const csvText = await csv.text();
      const lines = csvText.trimEnd().split('\n');
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      expect(lines.filter((line) => line.startsWith('"evt_'))).toHaveLength(lines.length - 2);
      expect(lines.slice(1, -1).every((line) => line.includes(`,"'=2+5",`))).toBe(true);
      // The API export's trailer: the row count and the SHA-256 of every byte before it.
      const body = csvText.slice(0, csvText.lastIndexOf('#export.complete'));
      const digest = createHash('sha256').update(body).digest('hex');
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^#export\\.complete,rows=${lines.length - 2},through_seq=\\d+,sha256=${digest}$`,
        ),
      );

      const ndjson = await client.get('/console/export?format=ndjson&ip=198.51.100.0/24');
      const records = (await ndjson.text())
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records.at(-1)).toMatchObject({ type: 'export.complete', rows: records.length - 1 });
      expect(records.length - 1).toBe(lines.length - 2);
      expect(records[0]).toMatchObject({ client_ip: '198.51.100.9', user_agent: '=2+5' });

      // Both downloads are on record, as console exports with their filter.
      const recorded = await testApp.call('GET', '/v1/audit/events?type=audit.exported', {
        key: testApp.keys.aAuditOnly,
      });
      const exported = ((await recorded.json()) as { events: Record<string, unknown>[] }).events;
      expect(exported.map((event) => event.detail)).toEqual([
        expect.objectContaining({ via: 'console', format: 'ndjson', rows: records.length - 1 }),
        expect.objectContaining({
          via: 'console',
          format: 'csv',
          filters: { ip: '198.51.100.0/24', phone: false },
          rows: lines.length - 2,
        }),
      ]);
      expect((await client.get('/console/export?format=xlsx')).status).toBe(422);
      expect((await client.get('/console/export?format=csv&ip=nope')).status).toBe(422);
      const anonymous = await testApp.app.request('http://localhost/console/export?format=csv');
      expect(anonymous.status).toBe(303);
    });

    it('draws the stats as SVG bars with the same figures in a table, and names a reversed range', async () => {
      const client = consoleClient(testApp);
      await client.signIn(testApp.keys.aAuditOnly);
      const started = await testApp.call('POST', '/v1/verify', {
        body: { to: '+33655443322', purpose: 'password_reset' },
      });
      expect(started.status).toBe(201);
      // Rows are dated by the database's clock; the app's clock is the test's, moved by hand.
      const around = (hours: number) =>
        new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);
      const page = await client.get(
        `/console/stats?group_by=purpose&since=${around(-1)}&until=${around(1)}`,
      );
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<svg[^>]*role="img"/);
      expect(html).toMatch(/<rect class="bar"[^>]*height="[1-9]/);
      const row = /<tr><th scope="row">password_reset<\/th>(.*?)<\/tr>/.exec(html)?.[1] ?? '';
      // Sent 1, delivered 0, approved 0, failed 0, refused 0.
      expect([...row.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => m[1])).toEqual([
        '1',
        '0',
        '0',
        '0',
        '0',
      ]);
      const reversed = await client.get(
        '/console/stats?since=2026-02-01T00:00&until=2026-01-01T00:00',
      );
      expect(reversed.status).toBe(422);
      expect(await reversed.text()).toContain('href="#f-since"');
    });
  });
}

async function appIdOf(testApp: TestApp): Promise<string> {
  const principal = await testApp.runtime.modules.access.findActiveKey(
    testApp.runtime.modules.access.hasher.hash(testApp.keys.aAuditOnly),
  );
  if (!principal) throw new Error('app-a has no audit key');
  return principal.app.id;
}
