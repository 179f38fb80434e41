/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditEvents } from '../../src/audit/index.ts';
import { UNATTRIBUTED_APP_ID } from '../../src/console/sessions.ts';
import { chromiumProblem, chromiumRequired, launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/spawn-server.ts';
import { BACKENDS, settingsWith, startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The console as a security analyst uses it: a real headless Chromium against the app served over
 * TCP on real Redis and Postgres. Screenshots of each page, 1280 and 375 px wide, are kept in
 * test-artifacts/console/.
 */

const problem = chromiumProblem();
if (problem && !chromiumRequired) {
  const bar = '#'.repeat(100);
  console.warn(
    `\n${bar}\n#  CONSOLE BROWSER TESTS WILL BE SKIPPED (test/console/console.browser.test.ts)\n#  ${problem}\n` +
      `#  Under TESSERA_REQUIRE_REAL_STORES=1 or CI=true this is a failure (.ci/run installs it).\n${bar}\n`,
  );
}

const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const REAL = BACKENDS.find((backend) => backend.real);
const PHONE = '+33612345678';
const OTHER_PHONE = '+33698765432';

describe.skipIf((problem !== null && !chromiumRequired) || !REAL?.available)(
  'console in a real Chromium (Redis + Postgres)',
  () => {
    let testApp: TestApp;
    let server: ServerType;
    let attacker: Server;
    let browser: Browser;
    let page: Page;
    let base: string;
    let verificationId: string;

    const shoot = async (name: string) => {
      const file = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    };

    beforeAll(async () => {
      if (problem) throw new Error(`the browser tests need Chromium: ${problem}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      // The default 30 s cooldown between sends to a number, so that the resend below is refused.
      testApp = await startTestApp(REAL as (typeof BACKENDS)[number], {
        settings: settingsWith({ limits: { resendCooldownSeconds: 30 } }),
      });
      server = await new Promise<ServerType>((ready) => {
        const started = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
          ready(started),
        );
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // Traffic to look at: a verification approved, another number's, and a resend refused by
      // its cooldown (a limit.hit).
      const started = await testApp.call('POST', '/v1/verify', {
        body: { to: PHONE, purpose: 'login' },
      });
      verificationId = ((await started.json()) as { id: string }).id;
      const code = await testApp.lastCode(PHONE);
      const checked = await testApp.call('POST', `/v1/verify/${verificationId}/check`, {
        body: { code },
      });
      expect(checked.status).toBe(200);
      const other = await testApp.call('POST', '/v1/verify', {
        body: { to: OTHER_PHONE, purpose: 'signup' },
      });
      const otherId = ((await other.json()) as { id: string }).id;
      const resend = await testApp.call('POST', `/v1/verify/${otherId}/resend`, { body: {} });
      expect(resend.status).toBe(429);
      // Another origin (same host, other port: same-site, so SameSite=Strict cookies still go)
      // whose page posts a form to the console as soon as it loads.
      attacker = createServer((request, response) => {
        const target = request.url === '/signin' ? 'signin' : 'signout';
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(
          `<!doctype html><form method="post" action="${base}/console/${target}">` +
            '<input name="csrf" value="forged"><input name="key" value="x"></form>' +
            '<script>document.forms[0].submit()</script>',
        );
      });
      await new Promise<void>((ready) => attacker.listen(0, '127.0.0.1', ready));
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Failing steps name themselves well within the test's own timeout.
      page.setDefaultTimeout(10_000);
      console.warn(`[console browser test] screenshots in ${ARTIFACTS}`);
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise((done) => attacker?.close(done));
      await new Promise((done) => server?.close(done));
      await testApp?.close();
    });

    it('refuses a wrong key, says so on the page, and audits it', async () => {
      await page.goto(`${base}/console`);
      expect(new URL(page.url()).pathname).toBe('/console/signin');
      await page.getByLabel('API key').fill(`tsk_0badc0de_${'A'.repeat(43)}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('audit:read');
      await shoot('signin-refused-1280');
      const audited = await searchAuditEvents(testApp.runtime.modules.audit, UNATTRIBUTED_APP_ID, {
        type: 'console.signin_failed',
        reason: 'unknown_key',
        ip: '127.0.0.1',
      });
      expect(audited.events.map((event) => event.detail)).toContainEqual({
        key_hint: 'tsk_0badc0de…',
      });
    });

    it('signs in, and the keyboard reaches the filter form with a visible focus', async () => {
      await page.getByLabel('API key').fill(testApp.keys.aAuditOnly);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/console/events`);
      expect(await page.locator('h1').textContent()).toBe('Attempts');
      let reached = false;
      for (let presses = 0; presses < 20 && !reached; presses++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'f-type');
      }
      expect(reached).toBe(true);
      const outline = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement as Element);
        return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
      });
      expect(outline.style).not.toBe('none');
      expect(outline.width).toBeGreaterThanOrEqual(2);
      await shoot('events-1280');
    });

    it('filters by phone number: only that number’s attempts, masked', async () => {
      await page.getByLabel('Phone number').fill(PHONE);
      await page.getByLabel('Phone number').press('Enter');
      await page.waitForURL(/phone=/);
      const rows = page.locator('tbody tr');
      expect(await rows.count()).toBeGreaterThan(0);
      const text = (await page.locator('tbody').textContent()) ?? '';
      expect(text).toContain('+33 6•• •• •• 78');
      expect(text).not.toContain('•• 32');
      expect(text).toContain('check.approved');
      await shoot('events-by-phone-1280');
    });

    it('opens a verification’s timeline, with its SMS route', async () => {
      await page.locator(`tbody a[href$="${verificationId}"]`).first().click();
      await page.waitForURL(`${base}/console/verifications/${verificationId}`);
      const items = await page.locator('ol.timeline > li').allTextContents();
      expect(items[0]).toContain('verification.created');
      expect(items.join('\n')).toContain('sms.sent');
      expect(items.join('\n')).toContain('check.approved');
      const message = (await page.locator('table tbody tr').first().textContent()) ?? '';
      expect(message).toContain('sent');
      expect(message).toContain('console');
      await shoot('timeline-1280');
    });

    it('shows the stats as an SVG bar chart and as a table', async () => {
      await page.getByRole('link', { name: 'Stats' }).click();
      await page.waitForURL(`${base}/console/stats`);
      const svg = page.locator('figure svg[role="img"]');
      expect(await svg.count()).toBe(1);
      expect(await page.locator('figure svg rect.bar').count()).toBeGreaterThanOrEqual(3);
      const heights = await page
        .locator('figure svg rect.bar')
        .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('height'))));
      expect(Math.max(...heights)).toBeGreaterThan(0);
      expect(await page.locator('table tbody tr').count()).toBeGreaterThan(0);
      await shoot('stats-1280');
    });

    it('lists limit refusals on the pumping & limits page', async () => {
      await page.getByRole('link', { name: 'Pumping & limits' }).click();
      await page.waitForURL(`${base}/console/watch`);
      expect(await page.locator('tbody').textContent()).toContain('resend_cooldown');
      await shoot('watch-1280');
    });

    it('fits a 375 px wide screen', async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      for (const [path, name] of [
        ['/console/events', 'events-375'],
        ['/console/stats', 'stats-375'],
        [`/console/verifications/${verificationId}`, 'timeline-375'],
      ] as const) {
        await page.goto(`${base}${path}`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, path).toBeLessThanOrEqual(0);
        await shoot(name);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('refuses a form posted from another origin, and the session survives it', async () => {
      const attackerBase = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
      for (const target of ['signout', 'signin']) {
        const refused = page.waitForResponse(
          (response) =>
            response.url() === `${base}/console/${target}` &&
            response.request().method() === 'POST',
        );
        await page.goto(`${attackerBase}/${target}`);
        expect((await refused).status()).toBe(403);
      }
      await shoot('cross-site-refused-1280');
      await page.goto(`${base}/console/events`);
      expect(await page.locator('h1').textContent()).toBe('Attempts');
    });

    it('signs out: the session is gone', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}/console/signin`);
      await page.goto(`${base}/console/events`);
      expect(new URL(page.url()).pathname).toBe('/console/signin');
      await shoot('signed-out-1280');
    });
  },
);
