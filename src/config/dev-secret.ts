import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSecretKey } from './schema.ts';

/**
 * Outside production, SECRET_KEY may be omitted: one is generated on first start and kept in
 * DATA_DIR (mode 0600) so codes, phone HMACs and API keys survive restarts.
 */
export function loadOrCreateDevSecret(dataDir: string): {
  key: Buffer;
  created: boolean;
  path: string;
} {
  const path = join(dataDir, 'secret.key');
  try {
    const key = decodeSecretKey(readFileSync(path, 'utf8'));
    if (key) return { key, created: false, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true, path };
}
