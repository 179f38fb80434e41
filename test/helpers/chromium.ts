import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's `chromium` package (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Null when the browser tests can run here; otherwise why not (for the banner or the failure). */
export function chromiumProblem(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `${CHROMIUM_PATH} not found: install the Debian package \`chromium\` (.ci/run does) or set CHROMIUM_PATH`;
}

/** Where CI and a laptop must not differ: there a missing browser fails the run instead of skipping. */
export const chromiumRequired =
  process.env.TESSERA_REQUIRE_REAL_STORES === '1' || process.env.CI === 'true';

/**
 * Headless Chromium as the notes on this machine describe it: no sandbox (containers), and none of
 * the background traffic (updates, sync, metrics) a test must not depend on or cause. A test adds
 * its own flags (host mapping, secure origins) in `extraArgs`.
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
