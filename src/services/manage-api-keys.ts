import { apiKeyHint, generateApiKey, hashApiKey } from '../crypto/api-key.ts';
import { newId } from '../domain/ids.ts';
import { type AccessStore, type ApiKeyListing, SCOPES, type Scope } from './ports.ts';

/** The app that BOOTSTRAP_API_KEY belongs to (api.md, Configuration). */
export const BOOTSTRAP_APP_NAME = 'default';

export class InvalidScopesError extends Error {
  constructor(readonly invalid: string[]) {
    super(
      invalid.length === 0
        ? `at least one scope is required (one of ${SCOPES.join(', ')})`
        : `unknown scope${invalid.length > 1 ? 's' : ''} ${invalid.join(', ')} (known: ${SCOPES.join(', ')})`,
    );
    this.name = 'InvalidScopesError';
  }
}

export class InvalidAppNameError extends Error {
  constructor(readonly appName: string) {
    super('the app name must not be empty');
    this.name = 'InvalidAppNameError';
  }
}

function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Checks requested scopes before anything is written; duplicates collapse to one. */
export function parseScopes(requested: readonly string[]): Scope[] {
  const unknown = requested.filter((scope) => !isScope(scope));
  if (unknown.length > 0 || requested.length === 0) throw new InvalidScopesError(unknown);
  return [...new Set(requested as Scope[])];
}

export interface CreatedApiKey {
  id: string;
  /** The clear key: returned once, never stored, never retrievable again. */
  key: string;
  appId: string;
  appName: string;
  scopes: Scope[];
}

export async function createApiKey(input: {
  store: AccessStore;
  appName: string;
  scopes: readonly string[];
  label?: string | null;
}): Promise<CreatedApiKey> {
  const scopes = parseScopes(input.scopes);
  const appName = input.appName.trim();
  if (appName === '') throw new InvalidAppNameError(input.appName);
  const app = await input.store.ensureApp(appName);
  const key = generateApiKey();
  const id = newId('key');
  await input.store.insertKey({
    id,
    appId: app.id,
    keyHash: hashApiKey(key),
    hint: apiKeyHint(key),
    scopes,
    label: input.label ?? null,
  });
  return { id, key, appId: app.id, appName: app.name, scopes };
}

/**
 * Makes BOOTSTRAP_API_KEY usable with every scope on the `default` app. Safe on every start: an
 * existing row for that key is left untouched, so a key revoked by an operator stays revoked.
 */
export async function ensureBootstrapKey(input: {
  store: AccessStore;
  key: string;
}): Promise<void> {
  const app = await input.store.ensureApp(BOOTSTRAP_APP_NAME);
  await input.store.insertKey({
    id: newId('key'),
    appId: app.id,
    keyHash: hashApiKey(input.key),
    hint: apiKeyHint(input.key),
    scopes: [...SCOPES],
    label: 'bootstrap',
  });
}

export function listApiKeys(input: {
  store: AccessStore;
  appName?: string;
}): Promise<ApiKeyListing[]> {
  return input.store.listKeys(input.appName);
}

/** Resolves false when no active key has that id (unknown or already revoked). */
export function revokeApiKey(input: {
  store: AccessStore;
  keyId: string;
  now: Date;
}): Promise<boolean> {
  return input.store.revokeKey(input.keyId, input.now);
}
