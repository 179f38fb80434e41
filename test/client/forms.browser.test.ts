/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTesseraClient, type TesseraClient } from '@tessera/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormsApp } from '../../openapi/client/examples/forms/app.tsx';
import { chromiumProblem, chromiumRequired, launchChromium } from '../helpers/chromium.ts';
import { type Served, serveOverTcp } from '../helpers/serve-over-tcp.ts';
import { ROOT } from '../helpers/spawn-server.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The example sign-up and login forms (openapi/client/examples/forms) as people use them: a real
 * headless Chromium on the example site, which calls a Tessera on real Redis and Postgres through
 * @tessera/client. The test reads each SMS from Tessera's dev outbox, as the user reads their
 * phone. Screenshots (1280 and 375 px wide) in test-artifacts/forms/.
 */

const problem = chromiumProblem();
if (problem && !chromiumRequired) {
  const bar = '#'.repeat(100);
  console.warn(
    `\n${bar}\n#  FORMS BROWSER TESTS WILL BE SKIPPED (test/client/forms.browser.test.ts)\n#  ${problem}\n` +
      `#  Under TESSERA_REQUIRE_REAL_STORES=1 or CI=true this is a failure (.ci/run installs it).\n${bar}\n`,
  );
}

const ARTIFACTS = join(ROOT, 'test-artifacts', 'forms');
const REAL = BACKENDS.find((backend) => backend.real);
/** The example site's host name: WEBOTP_DOMAIN needs a real-looking one, Chromium maps it here. */
const HOST = 'forms.example.test';
const PASSWORD = 'correct horse battery staple';

describe.skipIf((problem !== null && !chromiumRequired) || !REAL?.available)(
  'example login and sign-up forms in a real Chromium (Redis + Postgres)',
  () => {
    let testApp: TestApp;
    let tesseraServed: Served;
    let site: Served;
    let tessera: TesseraClient;
    let browser: Browser;
    let origin: string;

    /** The newest SMS Tessera "sent" to that number. */
    const lastSms = async (to: string) => {
      const outbox = await tessera.GET('/v1/dev/outbox', { params: { query: { to } } });
      return {
        text: outbox.data?.messages[0]?.text ?? '',
        count: outbox.data?.messages.length ?? 0,
      };
    };
    const codeIn = (text: string) => {
      const code = text.match(/your code is (\d+)/)?.[1];
      if (!code) throw new Error(`no code in ${JSON.stringify(text)}`);
      return code;
    };
    const open = async (width: number): Promise<{ context: BrowserContext; page: Page }> => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      return { context, page: await context.newPage() };
    };
    const shoot = (page: Page, name: string) =>
      page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

    const signUp = async (page: Page, username: string, national: string) => {
      await page.goto(`${origin}/signup`);
      await page.fill('#username', username);
      await page.fill('#password', PASSWORD);
      await page.selectOption('select[name=country]', 'FR');
      await page.fill('#phone', national);
      await page.click('button[type=submit]');
    };

    beforeAll(async () => {
      if (problem) throw new Error(`the browser tests need Chromium: ${problem}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      // Tessera ends each code SMS with the WebOTP line for the example site's host.
      testApp = await startTestApp(REAL as (typeof BACKENDS)[number], {
        env: { WEBOTP_DOMAIN: HOST },
      });
      tesseraServed = await serveOverTcp(testApp.app.fetch);
      tessera = createTesseraClient({ baseUrl: tesseraServed.base, apiKey: testApp.keys.a });
      site = await serveOverTcp(createFormsApp({ tessera }).fetch);
      origin = `http://${HOST}:${new URL(site.base).port}`;
      // The host name resolves to the site; the origin counts as secure, as it would over HTTPS
      // (the WebOTP API and navigator.credentials exist in secure contexts only).
      browser = await launchChromium([
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
        `--unsafely-treat-insecure-origin-as-secure=${origin}`,
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await site?.close();
      await tesseraServed?.close();
      await testApp?.close();
    });

    it('signs up: the number is verified by a typed code, a wrong one first', async () => {
      const { context, page } = await open(1280);
      try {
        await page.goto(`${origin}/signup`);
        await shoot(page, 'signup');
        await expect.poll(() => page.getAttribute('#phone', 'autocomplete')).toBe('tel');
        expect(await page.getAttribute('#password', 'autocomplete')).toBe('new-password');

        await signUp(page, 'alice', '06 12 34 56 78');
        expect(new URL(page.url()).pathname).toBe('/code');
        const input = page.locator('#code');
        expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
        expect(await input.getAttribute('inputmode')).toBe('numeric');
        expect(await page.locator('main').textContent()).toContain('+33 6•• •• •• 78');
        expect(await page.locator('script[src="/assets/webotp.js"]').count()).toBe(1);
        await shoot(page, 'code');

        const sms = await lastSms('+33612345678');
        const code = codeIn(sms.text);
        // The origin-bound last line the WebOTP API reads (Tessera's WEBOTP_DOMAIN).
        expect(sms.text.split('\n').at(-1)).toBe(`@${HOST} #${code}`);

        await input.fill(code === '000000' ? '111111' : '000000');
        await page.click('form[action="/code"] button');
        expect(await page.locator('.error').textContent()).toMatch(/not right\. \d+ tries left/);
        await shoot(page, 'code-wrong');

        await page.fill('#code', code);
        await page.click('form[action="/code"] button');
        expect(new URL(page.url()).pathname).toBe('/account');
        expect(await page.locator('main').textContent()).toContain('Signed in as alice');
        await shoot(page, 'account');

        const verification = await tessera.GET('/v1/verify/{id}', {
          params: { path: { id: await lastVerificationId() } },
        });
        expect(verification.data).toMatchObject({ status: 'approved', purpose: 'signup' });
      } finally {
        await context.close();
      }
    });

    it('logs in: password, then the code filled in by the WebOTP API', async () => {
      const { context, page } = await open(1280);
      try {
        // Headless desktop Chromium receives no SMS: this stands in for the phone's SMS retriever.
        // Like the browser, it hands the code over only when the SMS's last line names the page's
        // host, and never resolves otherwise.
        const requests: unknown[] = [];
        await context.exposeBinding('readPhoneSms', async (_source, options: unknown) => {
          requests.push(options);
          return (await lastSms('+33612345678')).text;
        });
        await context.addInitScript(() => {
          const host = location.hostname;
          (window as unknown as { OTPCredential: unknown }).OTPCredential = class {};
          const get = async (options: { otp?: unknown }) => {
            const text: string = await (
              window as unknown as { readPhoneSms(o: unknown): Promise<string> }
            ).readPhoneSms(options.otp);
            const last = text
              .split('\n')
              .at(-1)
              ?.match(/^@(\S+) #(\d+)$/);
            if (!last || last[1] !== host) return new Promise(() => {});
            return { type: 'otp', code: last[2] };
          };
          Object.defineProperty(navigator, 'credentials', { value: { get }, configurable: true });
        });

        await page.goto(`${origin}/login`);
        expect(await page.getAttribute('#username', 'autocomplete')).toBe('username');
        expect(await page.getAttribute('#password', 'autocomplete')).toBe('current-password');
        await shoot(page, 'login');
        const before = (await lastSms('+33612345678')).count;
        await page.fill('#username', 'alice');
        await page.fill('#password', PASSWORD);
        await page.click('button[type=submit]');
        // No typing: the script fills the code and submits the form.
        await page.waitForURL(`${origin}/account`);
        expect(await page.locator('main').textContent()).toContain('Signed in as alice');
        expect(requests).toEqual([{ transport: ['sms'] }]);
        expect((await lastSms('+33612345678')).count).toBe(before + 1);
        const verification = await tessera.GET('/v1/verify/{id}', {
          params: { path: { id: await lastVerificationId() } },
        });
        expect(verification.data).toMatchObject({ status: 'approved', purpose: 'login' });
      } finally {
        await context.close();
      }
    });

    it('sends no code for a wrong password, and names a number Tessera refuses', async () => {
      const { context, page } = await open(1280);
      try {
        const before = (await lastSms('+33612345678')).count;
        await page.goto(`${origin}/login`);
        await page.fill('#username', 'alice');
        await page.fill('#password', 'not the password');
        await page.click('button[type=submit]');
        expect(await page.locator('.error').textContent()).toBe('Wrong username or password.');
        expect((await lastSms('+33612345678')).count).toBe(before);

        await signUp(page, 'bob', '01 23 45 67 89');
        expect(new URL(page.url()).pathname).toBe('/signup');
        expect(await page.locator('.error').textContent()).toContain('not a mobile number');
        // What was typed stays, but never the password.
        expect(await page.inputValue('#phone')).toBe('01 23 45 67 89');
        expect(await page.inputValue('#password')).toBe('');
        await shoot(page, 'signup-refused');
      } finally {
        await context.close();
      }
    });

    it('fits a 375 px phone screen, code field included', async () => {
      const { context, page } = await open(375);
      try {
        await page.goto(`${origin}/signup`);
        await shoot(page, 'signup-375');
        const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= 375);
        expect(await fits()).toBe(true);
        await signUp(page, 'carol', '06 98 76 54 32');
        expect(new URL(page.url()).pathname).toBe('/code');
        expect(await fits()).toBe(true);
        await shoot(page, 'code-375');
        await page.fill('#code', codeIn((await lastSms('+33698765432')).text));
        await page.click('form[action="/code"] button');
        expect(await page.locator('main').textContent()).toContain('Signed in as carol');
        expect(await fits()).toBe(true);
      } finally {
        await context.close();
      }
    });

    /** The id of app-a's newest verification, from its audit trail (read with the client too). */
    async function lastVerificationId(): Promise<string> {
      const auditor = createTesseraClient({
        baseUrl: tesseraServed.base,
        apiKey: testApp.keys.aAuditOnly,
      });
      const events = await auditor.GET('/v1/audit/events', {
        params: { query: { type: 'verification.created', order: 'desc', limit: '1' } },
      });
      const id = events.data?.events[0]?.verification_id;
      if (!id) throw new Error('no verification in the audit trail');
      return id;
    }
  },
);
