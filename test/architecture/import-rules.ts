import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/** Capabilities: reached from outside only through their index.ts (README, Layout). */
export const CAPABILITY_MODULES = [
  'access',
  'audit',
  'console',
  'consent',
  'leads',
  'limits',
  'signatures',
  'retention',
  'sms',
  'subjects',
  'totp',
  'twilio-compat',
  'verification',
  'webhooks',
];

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** Where a src-relative file sits: its top folder under src/, or null for src/*.ts itself. */
function moduleOf(path: string): string | null {
  const parts = path.split('/');
  return parts.length > 1 ? (parts[0] ?? null) : null;
}

/**
 * The rules of the layout, for one file (path relative to src/, with its text):
 * - a capability module is reached from outside only through its index.ts;
 * - kernel/ imports nothing of src/ outside itself (everything may depend on it);
 * - only main.ts imports the composition root (infra.ts).
 */
export function checkImports(file: string, text: string): Violation[] {
  const violations: Violation[] = [];
  const from = moduleOf(file);
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = normalize(join(dirname(file), fileName));
    const to = moduleOf(target);
    if (to && to !== from && CAPABILITY_MODULES.includes(to) && target !== `${to}/index.ts`) {
      violations.push({ file, imports: target, rule: `reach ${to}/ through ${to}/index.ts` });
    }
    if (from === 'kernel' && to !== 'kernel') {
      violations.push({ file, imports: target, rule: 'kernel/ depends on nothing else in src/' });
    }
    if (target === 'infra.ts' && file !== 'main.ts') {
      violations.push({ file, imports: target, rule: 'only main.ts imports the composition root' });
    }
  }
  return violations;
}

/** Every .ts and .tsx file under `root` (src/), as [path relative to root, text]. */
export function sourceFiles(root: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name))
        out.push([relative(root, path), readFileSync(path, 'utf8')]);
    }
  };
  walk(root);
  return out;
}
