import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { AuditEvent } from '../audit/index.ts';
import { auditAppendStatement } from '../audit/index.ts';
import type { Database, TesseraDb } from '../db/database.ts';
import { apiKeys, apps } from '../db/schema.ts';
import { newId } from '../kernel/ids.ts';
import {
  type AccessStore,
  type AppRecord,
  type Principal,
  SCOPES,
  type Scope,
} from './access-store.ts';
import type { ApiKeyHasher } from './api-key-format.ts';

const appColumns = {
  id: apps.id,
  name: apps.name,
  brand: apps.brand,
  webOtpDomain: apps.webOtpDomain,
  settings: apps.settings,
};

// A scope this version does not know (a row written by a newer release, a manual edit) grants
// nothing: failing closed beats guessing what it meant.
function knownScopes(scopes: string[]): Scope[] {
  return scopes.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope));
}

/** hash_version of a row whose key_hash is the key's HMAC; 1 is the SHA-256 of earlier versions. */
const KEYED_HASH = 2;
const LEGACY_HASH = 1;

export function createPostgresAccessStore(database: Database, hasher: ApiKeyHasher): AccessStore {
  const { db } = database;

  /**
   * Runs a change and appends the audit rows it asks for in the same transaction (READ COMMITTED,
   * which the chain's append needs); no rows: nothing is appended. Resolves the change's result.
   */
  async function withAudit<T>(
    change: (tx: TesseraDb) => Promise<{ result: T; audit: readonly AuditEvent[] }>,
  ): Promise<T> {
    return database.transaction(
      async (tx) => {
        const { result, audit } = await change(tx);
        if (audit.length > 0) await tx.execute(auditAppendStatement(audit));
        return result;
      },
      { isolationLevel: 'read committed' },
    );
  }

  async function findApp(name: string): Promise<AppRecord | null> {
    const rows = await db.select(appColumns).from(apps).where(eq(apps.name, name)).limit(1);
    return rows[0] ?? null;
  }

  async function findActiveKey(keyHash: string): Promise<Principal | null> {
    const rows = await db
      .select({ keyId: apiKeys.id, scopes: apiKeys.scopes, app: appColumns })
      .from(apiKeys)
      .innerJoin(apps, eq(apps.id, apiKeys.appId))
      .where(
        and(
          eq(apiKeys.keyHash, keyHash),
          eq(apiKeys.hashVersion, KEYED_HASH),
          isNull(apiKeys.revokedAt),
        ),
      )
      .limit(1);
    const row = rows[0];
    if (!row) return null;
    return { keyId: row.keyId, scopes: knownScopes(row.scopes), app: row.app };
  }

  return {
    hasher,

    findActiveKey,

    findApp,

    async upgradeLegacyKey(legacyHash, keyHash) {
      const rows = await db
        .update(apiKeys)
        .set({ keyHash, hashVersion: KEYED_HASH })
        .where(
          and(
            eq(apiKeys.keyHash, legacyHash),
            eq(apiKeys.hashVersion, LEGACY_HASH),
            // A keyed row for the same key (inserted by this version beside an older one during a
            // rolling upgrade) wins; the legacy duplicate is left as it is rather than clash.
            sql`not exists (select 1 from ${apiKeys} as keyed where keyed.key_hash = ${keyHash})`,
          ),
        )
        .returning({ revokedAt: apiKeys.revokedAt });
      if (rows[0] && rows[0].revokedAt !== null) return null;
      // Read back as a keyed lookup, with its app. Nothing updated may also mean that another
      // process rehashed the row a moment ago (its UPDATE won the row lock): then it is found.
      return findActiveKey(keyHash);
    },

    async ensureApp(name) {
      const existing = await findApp(name);
      if (existing) return existing;
      // Two callers may race here; the unique name lets exactly one insert win and both read it back.
      await db
        .insert(apps)
        .values({ id: newId('app'), name })
        .onConflictDoNothing({ target: apps.name });
      const app = await findApp(name);
      if (!app) throw new Error(`app ${name} vanished right after it was ensured`);
      return app;
    },

    async updateApp(appId, changes, audit) {
      await withAudit(async (tx) => {
        await tx.update(apps).set(changes).where(eq(apps.id, appId));
        return { result: undefined, audit };
      });
    },

    async insertKey(key, audit) {
      return withAudit(async (tx) => {
        const rows = await tx
          .insert(apiKeys)
          .values({
            id: key.id,
            appId: key.appId,
            keyHash: key.keyHash,
            hashVersion: KEYED_HASH,
            hint: key.hint,
            scopes: key.scopes,
            label: key.label,
          })
          .onConflictDoNothing({ target: apiKeys.keyHash })
          .returning({ id: apiKeys.id });
        const inserted = rows.length > 0;
        return { result: inserted, audit: inserted ? audit : [] };
      });
    },

    async listKeys(appName) {
      const rows = await db
        .select({
          id: apiKeys.id,
          appName: apps.name,
          hint: apiKeys.hint,
          scopes: apiKeys.scopes,
          label: apiKeys.label,
          createdAt: apiKeys.createdAt,
          revokedAt: apiKeys.revokedAt,
        })
        .from(apiKeys)
        .innerJoin(apps, eq(apps.id, apiKeys.appId))
        .where(appName === undefined ? undefined : eq(apps.name, appName))
        .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
      return rows.map((row) => ({ ...row, scopes: knownScopes(row.scopes) }));
    },

    async revokeKey(keyId, at, audit) {
      return withAudit(async (tx) => {
        const rows = await tx
          .update(apiKeys)
          .set({ revokedAt: at })
          .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
          .returning({ appId: apiKeys.appId });
        const appId = rows[0]?.appId ?? null;
        return { result: appId, audit: appId === null ? [] : audit(appId) };
      });
    },

    ping: () => database.ping(),
    close: () => database.close(),
  };
}
