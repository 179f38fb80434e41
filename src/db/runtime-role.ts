import { sql } from 'drizzle-orm';
import type { Database } from './database.ts';

/** The runtime role cannot be given its rights: it is missing, or could act as the owner. */
export class RuntimeRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeRoleError';
  }
}

/**
 * Gives `role`, the one `tessera serve` connects as, what the service needs and nothing it could
 * rewrite the audit trail with (README, Database roles):
 * - on every table but audit_events, SELECT, INSERT, UPDATE and DELETE, what the stores do (apps,
 *   API keys, TOTP factors and recovery codes; a table a later migration adds gets them too);
 * - on audit_events, SELECT only: rows are appended through tessera_append_audit, which runs as
 *   the owner and hashes and dates each row itself (migration 0007_audit_append_from_columns);
 *   likewise on audit_stats_hourly, which only the trigger of those appends writes;
 *   the same on the Merkle log it writes, and SELECT, INSERT on the signed checkpoints;
 * - EXECUTE on that function, and SELECT on drizzle's journal so a start can check the schema.
 * Run by the owner after each migration (`tessera migrate --grant-runtime-role`): GRANT ... ON
 * ALL TABLES covers the tables that exist then. Idempotent, in one transaction.
 */
export async function grantRuntimeRole(database: Database, role: string): Promise<void> {
  if (database.kind !== 'postgres') {
    throw new RuntimeRoleError(
      'a runtime role needs PostgreSQL (DATABASE_URL); the embedded database has a single role',
    );
  }
  await database.transaction(async (tx) => {
    const found = await tx.execute<{ superuser: boolean; createrole: boolean; owner: boolean }>(
      sql`select r.rolsuper as superuser, r.rolcreaterole as createrole,
                 pg_has_role(r.oid, c.relowner, 'MEMBER') as owner
          from pg_roles r cross join pg_class c
          where r.rolname = ${role} and c.oid = 'public.audit_events'::regclass`,
    );
    const row = found.rows[0];
    if (!row) {
      throw new RuntimeRoleError(
        `role ${role} does not exist: create it first (CREATE ROLE ${role} LOGIN PASSWORD '…')`,
      );
    }
    // Each of these could rewrite the trail: as the owner, or by becoming it (before PostgreSQL
    // 16, CREATEROLE may grant itself membership in any role that is not a superuser).
    if (row.superuser || row.createrole || row.owner) {
      throw new RuntimeRoleError(
        `role ${role} can act as the owner of audit_events (${
          row.superuser ? 'superuser' : row.createrole ? 'CREATEROLE' : 'owner or member of it'
        }): the runtime role must be a plain role of its own`,
      );
    }
    const grantee = sql.identifier(role);
    for (const statement of [
      sql`grant usage on schema public to ${grantee}`,
      sql`grant select, insert, update, delete on all tables in schema public to ${grantee}`,
      // Whatever an earlier grant gave, audit_events is read-only to it, and so are the stats the
      // trail's trigger derives from it (migration 0009_audit_stats_hourly).
      sql`revoke all on table public.audit_events, public.audit_stats_hourly from ${grantee}`,
      sql`grant select on table public.audit_events, public.audit_stats_hourly to ${grantee}`,
      // The Merkle log is written only by tessera_append_audit; checkpoints are added, never
      // changed (migration audit_merkle_log).
      sql`revoke all on table public.audit_tree_nodes, public.audit_tree_leaves,
            public.audit_tree_heads, public.audit_checkpoints from ${grantee}`,
      sql`grant select on table public.audit_tree_nodes, public.audit_tree_leaves,
            public.audit_tree_heads to ${grantee}`,
      sql`grant select, insert on table public.audit_checkpoints to ${grantee}`,
      sql`grant execute on function public.tessera_append_audit(jsonb) to ${grantee}`,
      // Consent proof is appended, never changed (migration consent_append_only).
      sql`revoke update, delete, truncate on table public.consent_records from ${grantee}`,
      sql`grant usage on schema drizzle to ${grantee}`,
      sql`grant select on table drizzle.__drizzle_migrations to ${grantee}`,
    ]) {
      await tx.execute(statement);
    }
  });
}
