import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, sourceFiles } from './import-rules.ts';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('module boundaries (README, Layout)', () => {
  it('src/ keeps them: capabilities through index.ts, kernel depends on nothing, infra.ts only from main.ts', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(([file, text]) => checkImports(file, text))).toEqual([]);
  });

  it('a reach into another capability past its index.ts is caught, types included', () => {
    expect(
      checkImports('verification/start.ts', "import type { AuditEvent } from '../audit/types.ts';"),
    ).toEqual([
      {
        file: 'verification/start.ts',
        imports: 'audit/types.ts',
        rule: 'reach audit/ through audit/index.ts',
      },
    ]);
    expect(checkImports('http/auth.ts', "export { x } from '../access/api-keys.ts';")).toHaveLength(
      1,
    );
    expect(
      checkImports('verification/start.ts', "import { auditEvent } from '../audit/index.ts';"),
    ).toEqual([]);
    // Inside its own module a file reaches any other file.
    expect(checkImports('audit/trail.ts', "import type { AuditEvent } from './types.ts';")).toEqual(
      [],
    );
  });

  it('kernel/ importing a module, and a file other than main.ts importing infra.ts, are caught', () => {
    expect(
      checkImports('kernel/clock.ts', "import { x } from '../config/config.ts';"),
    ).toHaveLength(1);
    expect(checkImports('app.ts', "import { openInfra } from './infra.ts';")).toHaveLength(1);
    expect(checkImports('main.ts', "import { openInfra } from './infra.ts';")).toEqual([]);
  });
});
