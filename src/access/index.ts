export type { AccessStore, ApiKeyListing, AppRecord, Principal, Scope } from './access-store.ts';
export {
  type ApiKeyHasher,
  apiKeyHint,
  createApiKeyHasher,
  generateApiKey,
  isGeneratedApiKey,
} from './api-key-format.ts';
export {
  createApiKey,
  ensureBootstrapKey,
  findApiKey,
  InvalidAppNameError,
  InvalidScopesError,
  listApiKeys,
  parseScopes,
  revokeApiKey,
} from './api-keys.ts';
export { authenticate, authenticateBasic } from './authenticate.ts';
export { ensureDevApiKey } from './ensure-dev-api-key.ts';
export { createPostgresAccessStore } from './postgres-access-store.ts';
export { RevocationUnannouncedError, redisRevocations } from './revocations.ts';
export { InvalidSettingsError, updateApp } from './update-app.ts';
export type { AccessInfra } from './wire.ts';
export { PRINCIPAL_CACHE_MS, wire } from './wire.ts';
