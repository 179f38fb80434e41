-- The audit trail is append-only (api.md, Audit). These triggers make the database itself refuse
-- UPDATE, DELETE and TRUNCATE on audit_events, so a bug or an injected statement running as the
-- app role cannot rewrite history. A role that owns the table can still disable the triggers;
-- the hash chain is what detects that (GET /v1/audit/verify), and production should run Tessera
-- as a role that does not own its tables.
-- TRUNCATE fires no row triggers, hence the separate statement-level trigger
-- (https://www.postgresql.org/docs/current/sql-createtrigger.html).
CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit events can only be inserted; the hash chain records every change.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
