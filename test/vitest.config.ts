import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // The default output, then a run that fails under CI when anything was skipped.
    reporters: ['default', './test/helpers/no-skips-reporter.ts'],
    // Real stores and argon2 make some tests slow on 2 cores; nothing here asserts speed.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
