import type { Reporter, TestModule } from 'vitest/node';

/**
 * Under CI a skipped test is a failure: a suite that skips because Redis, Postgres, Kannel,
 * oathtool or Chromium is missing would otherwise pass green. On a laptop skips only print.
 */
export default class NoSkipsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.result().state === 'skipped')
          skipped.push(`${module.moduleId} > ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    const strict = process.env.CI === 'true' || process.env.TESSERA_REQUIRE_REAL_STORES === '1';
    const banner = strict ? 'FAILED: tests skipped under CI' : 'WARNING: tests skipped';
    console.error(
      `\n#### ${banner} (${skipped.length}):\n${skipped.map((s) => `#   ${s}`).join('\n')}\n`,
    );
    if (strict) process.exitCode = 1;
  }
}
