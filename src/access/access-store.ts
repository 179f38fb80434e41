import type { AuditEvent } from '../audit/index.ts';
import type { ApiKeyHasher } from './api-key-format.ts';

export const SCOPES = ['verify', 'audit:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AppRecord {
  id: string;
  name: string;
  /** Shown in the SMS; the app name when unset. */
  brand: string | null;
  /** WebOTP origin for the `@domain #code` line; the service default when unset. */
  webOtpDomain: string | null;
  /** Per-app settings as stored (the `apps.settings` jsonb); parsed by the service layer. */
  settings: Record<string, unknown>;
}

export interface Principal {
  keyId: string;
  scopes: Scope[];
  app: AppRecord;
}

export interface ApiKeyListing {
  id: string;
  appName: string;
  hint: string;
  scopes: Scope[];
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * Apps and their API keys (Postgres). Keys are looked up by their hash only (`hasher`), never
 * stored in clear. Each change commits in one transaction with the audit rows it is given: there
 * is no change without its row, and no row for a change that did not happen.
 */
export interface AccessStore {
  /** How a clear key becomes the `keyHash` these methods take (findApiKey does both lookups). */
  readonly hasher: ApiKeyHasher;
  /** The active key stored under `keyHash`, the HMAC of the clear key. */
  findActiveKey(keyHash: string): Promise<Principal | null>;
  /**
   * Rehashes the row an earlier version stored as `legacyHash` (plain SHA-256, hash_version 1) to
   * `keyHash` in one conditional UPDATE, so two processes upgrading it at once both end on the one
   * keyed row; resolves the active key now stored under `keyHash`, else null (a revoked row is
   * rehashed too, and stays revoked).
   */
  upgradeLegacyKey(legacyHash: string, keyHash: string): Promise<Principal | null>;
  /** The app of that name, or null; never creates one (an operator's typo must not). */
  findApp(name: string): Promise<AppRecord | null>;
  ensureApp(name: string): Promise<AppRecord>;
  /** Changes an app's SMS brand, WebOTP domain or settings (limits, countries, pumping watch). */
  updateApp(
    appId: string,
    changes: Partial<Pick<AppRecord, 'brand' | 'webOtpDomain' | 'settings'>>,
    audit: readonly AuditEvent[],
  ): Promise<void>;
  /**
   * Inserts a key; a key whose hash already exists is left as it is (bootstrap is idempotent) and
   * `audit` is not written. Resolves true only when this call inserted the row.
   */
  insertKey(
    key: {
      id: string;
      appId: string;
      keyHash: string;
      hint: string;
      scopes: Scope[];
      label: string | null;
    },
    audit: readonly AuditEvent[],
  ): Promise<boolean>;
  listKeys(appName?: string): Promise<ApiKeyListing[]>;
  /**
   * Revokes an active key with the rows `audit` makes from its app id; resolves that app id, or
   * null (nothing written) when no active key has that id.
   */
  revokeKey(
    keyId: string,
    at: Date,
    audit: (appId: string) => readonly AuditEvent[],
  ): Promise<string | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
