/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeApi } from '../../src/app.ts';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../src/http/docs.ts';
import { chromiumProblem, chromiumRequired, launchChromium } from '../helpers/chromium.ts';
import { type Served, serveOverTcp } from '../helpers/serve-over-tcp.ts';
import { ROOT } from '../helpers/spawn-server.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * /docs on an air-gapped host: a real headless Chromium that may reach this server and nothing
 * else renders every operation of the contract. Screenshots in test-artifacts/docs/.
 */

const problem = chromiumProblem();
if (problem && !chromiumRequired) {
  const bar = '#'.repeat(100);
  console.warn(
    `\n${bar}\n#  DOCS BROWSER TESTS WILL BE SKIPPED (test/http/docs.browser.test.ts)\n#  ${problem}\n` +
      `#  Under TESSERA_REQUIRE_REAL_STORES=1 or CI=true this is a failure (.ci/run installs it).\n${bar}\n`,
  );
}

const ARTIFACTS = join(ROOT, 'test-artifacts', 'docs');
// The page reads no store: the embedded default serves it as any deployment does.
const EMBEDDED = BACKENDS.find((backend) => !backend.real) as (typeof BACKENDS)[number];

describe.skipIf(problem !== null && !chromiumRequired)(
  '/docs with no network but this server',
  () => {
    let testApp: TestApp;
    let served: Served;
    let browser: Browser;
    let page: Page;
    const blocked: string[] = [];
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      if (problem) throw new Error(`the browser tests need Chromium: ${problem}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      testApp = await startTestApp(EMBEDDED);
      served = await serveOverTcp(testApp.app.fetch);
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Air gap: any request to another origin fails, and is recorded so the test can name it.
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(`${served.base}/`) || url.startsWith('data:')) return route.continue();
        blocked.push(url);
        return route.abort('internetdisconnected');
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
    });
    afterAll(async () => {
      await browser?.close();
      await served?.close();
      await testApp?.close();
    });

    it('renders every operation of the contract from the installed package alone', async () => {
      const response = await page.goto(`${served.base}/docs`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
      await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 20_000 });

      const document = describeApi() as { paths: Record<string, Record<string, unknown>> };
      const expected = Object.entries(document.paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      const shown = await page
        .locator('.opblock-summary')
        .evaluateAll((blocks) =>
          blocks.map(
            (block) =>
              `${block.querySelector('.opblock-summary-method')?.textContent} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
          ),
        );
      expect(shown.sort()).toEqual(expected);
      expect(await page.locator('.title').first().textContent()).toContain('Tessera');
      await page.screenshot({ path: join(ARTIFACTS, 'docs.png') });

      expect(blocked).toEqual([]);
      // A CSP refusal or a missing asset shows up as a console error.
      expect(consoleErrors).toEqual([]);
    });

    it('marks the dev outbox as development only, and offers this server to try calls on', async () => {
      const outbox = page.locator('#operations-Development-get_v1_dev_outbox');
      await outbox.locator('.opblock-summary').click();
      await expect
        .poll(() => outbox.locator('.opblock-description-wrapper').textContent())
        .toContain('Development only');
      expect(await page.locator('.servers select option').allTextContents()).toEqual([
        '/ - The Tessera that serves this document',
      ]);
      await outbox.screenshot({ path: join(ARTIFACTS, 'dev-outbox.png') });
      expect(blocked).toEqual([]);
    });

    it('serves only the files the page needs, from the package, with the page CSP', async () => {
      const bundle = await fetch(`${served.base}/docs/assets/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toContain('text/javascript');
      expect((await bundle.text()).length).toBeGreaterThan(500_000);
      for (const path of [
        '../package.json',
        'index.html',
        '..%2Fpackage.json',
        'swagger-ui.js.map',
      ]) {
        const refused = await fetch(`${served.base}/docs/assets/${path}`);
        expect(refused.status, path).toBe(404);
      }
    });
  },
);
