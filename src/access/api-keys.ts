import type { AuditEvent } from '../audit/index.ts';
import { operatorEvent } from '../audit/index.ts';
import { newId } from '../kernel/ids.ts';
import {
  type AccessStore,
  type ApiKeyListing,
  type Principal,
  SCOPES,
  type Scope,
} from './access-store.ts';
import { apiKeyHint, generateApiKey } from './api-key-format.ts';

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

/**
 * A key lifecycle row: done by an operator (CLI, start-up), so there is no client, number or
 * verification. The detail never holds the clear key or its hash, only the hint (public tag).
 */
function keyCreatedEvent(key: {
  id: string;
  appId: string;
  scopes: Scope[];
  label: string | null;
  hint: string;
}): AuditEvent {
  return operatorEvent(
    key.appId,
    'key.created',
    { key_id: key.id, scopes: key.scopes, label: key.label, hint: key.hint },
    new Date(),
  );
}

export interface CreatedApiKey {
  id: string;
  /** The clear key: returned once, never stored, never retrievable again. */
  key: string;
  appId: string;
  appName: string;
  scopes: Scope[];
}

/**
 * Creates a key with its `key.created` row (one transaction) before handing the key out: when the
 * row cannot be written there is no key either, and the call rejects.
 */
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
  const row = {
    id: newId('key'),
    appId: app.id,
    keyHash: input.store.hasher.hash(key),
    hint: apiKeyHint(key),
    scopes,
    label: input.label ?? null,
  };
  await input.store.insertKey(row, [keyCreatedEvent(row)]);
  return { id: row.id, key, appId: app.id, appName: app.name, scopes };
}

/**
 * Makes BOOTSTRAP_API_KEY usable with every scope on the `default` app. Safe on every start: an
 * existing row for that key is left untouched, so a key revoked by an operator stays revoked, and
 * only the start that inserted it appends `key.created` (in the same transaction).
 */
export async function ensureBootstrapKey(input: {
  store: AccessStore;
  key: string;
}): Promise<{ created: boolean }> {
  const { hasher } = input.store;
  const app = await input.store.ensureApp(BOOTSTRAP_APP_NAME);
  const keyHash = hasher.hash(input.key);
  // A row an earlier version stored for this key is that key's row (rehashed, revoked or not):
  // inserting a keyed one beside it would bring a revoked key back.
  await input.store.upgradeLegacyKey(hasher.legacyHash(input.key), keyHash);
  const row = {
    id: newId('key'),
    appId: app.id,
    keyHash,
    hint: apiKeyHint(input.key),
    scopes: [...SCOPES],
    label: 'bootstrap',
  };
  const created = await input.store.insertKey(row, [keyCreatedEvent(row)]);
  return { created };
}

/**
 * The active key `key` is, by its HMAC; failing that, a row an earlier version stored as its plain
 * SHA-256, rehashed on this first use (README, Administration). Keys carry 256 random bits, so a
 * lookup by hash leaks nothing through timing; the clear key is never stored or logged.
 */
export async function findApiKey(store: AccessStore, key: string): Promise<Principal | null> {
  const keyHash = store.hasher.hash(key);
  return (
    (await store.findActiveKey(keyHash)) ??
    (await store.upgradeLegacyKey(store.hasher.legacyHash(key), keyHash))
  );
}

export function listApiKeys(input: {
  store: AccessStore;
  appName?: string;
}): Promise<ApiKeyListing[]> {
  return input.store.listKeys(input.appName);
}

/**
 * Revokes a key with its `key.revoked` row (one transaction). Resolves false when no active key has
 * that id (unknown or already revoked): nothing changed, so nothing is audited.
 */
export async function revokeApiKey(input: {
  store: AccessStore;
  keyId: string;
  now: Date;
}): Promise<boolean> {
  const appId = await input.store.revokeKey(input.keyId, input.now, (keyAppId) => [
    operatorEvent(keyAppId, 'key.revoked', { key_id: input.keyId }, input.now),
  ]);
  return appId !== null;
}
