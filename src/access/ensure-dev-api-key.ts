import type { AccessStore } from './access-store.ts';
import { BOOTSTRAP_APP_NAME, createApiKey, findApiKey } from './api-keys.ts';

/**
 * The embedded default's first-run convenience: a key for the `default` app kept in a file under
 * DATA_DIR (mode 0600), never printed, so the README's curl session works after `npm start`.
 * Never used in production.
 */
export async function ensureDevApiKey(input: {
  store: AccessStore;
  read: () => string | null;
  write: (key: string) => void;
}): Promise<{ created: boolean }> {
  const existing = input.read()?.trim();
  if (existing && (await findApiKey(input.store, existing))) return { created: false };
  const { key } = await createApiKey({
    store: input.store,
    appName: BOOTSTRAP_APP_NAME,
    scopes: ['verify', 'audit:read', 'admin'],
    label: 'dev (DATA_DIR/dev-api-key)',
  });
  input.write(key);
  return { created: true };
}
