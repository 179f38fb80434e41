-- Consent proof is append-only (README, Consent), as audit_events is (migration 0002): the
-- database itself refuses UPDATE, DELETE and TRUNCATE on consent_records, so a withdrawal can only
-- be a new row and a proof cannot be rewritten by a bug or an injected statement run as the app.
CREATE OR REPLACE FUNCTION "consent_records_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_records is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Consent proof can only be inserted; a withdrawal is a new row.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "consent_records_no_update_delete"
  BEFORE UPDATE OR DELETE ON "consent_records"
  FOR EACH ROW EXECUTE FUNCTION "consent_records_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "consent_records_no_truncate"
  BEFORE TRUNCATE ON "consent_records"
  FOR EACH STATEMENT EXECUTE FUNCTION "consent_records_refuse_change"();
