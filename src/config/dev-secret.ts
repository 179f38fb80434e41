import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSecretKey } from './schema.ts';
import { reasonOf, StartupError } from './startup-failure.ts';

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
  let stored: string | null = null;
  try {
    stored = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StartupError('DATA_DIR', `cannot read ${path} (${reasonOf(error)})`);
    }
  }
  if (stored !== null) {
    const key = decodeSecretKey(stored);
    if (key) return { key, created: false, path };
    // Never overwrite it: pending codes, phone HMACs and sealed numbers depend on that key.
    throw new StartupError(
      'DATA_DIR',
      `${path} exists but holds no valid key (32+ bytes, hex or base64): restore it, or delete it to start over with a new key`,
    );
  }
  const key = randomBytes(32);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new StartupError(
      'DATA_DIR',
      `cannot keep a generated key in ${path} (${reasonOf(error)}): make DATA_DIR writable, or set SECRET_KEY`,
    );
  }
  return { key, created: true, path };
}

/** SECRET_KEY, or outside production the one kept under DATA_DIR (made on first start). */
export function resolveSecretKey(config: { secretKey?: Buffer | undefined; dataDir: string }): {
  key: Buffer;
  source: 'config' | 'generated' | 'data-dir';
} {
  if (config.secretKey) return { key: config.secretKey, source: 'config' };
  const dev = loadOrCreateDevSecret(config.dataDir);
  return { key: dev.key, source: dev.created ? 'generated' : 'data-dir' };
}
