CREATE TABLE "subject_keys" (
	"app_id" text NOT NULL,
	"lookup" text NOT NULL,
	"key_sealed" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "subject_keys_app_id_lookup_pk" PRIMARY KEY("app_id","lookup")
);
--> statement-breakpoint
-- Consent proof stays append-only (migration 0013), with one way out: an erasure or a retention
-- run (README, Retention) deletes rows after setting tessera.forget_consent for its transaction
-- only. A stray DELETE, from a bug or an injected statement, is still refused; UPDATE and
-- TRUNCATE always are.
CREATE OR REPLACE FUNCTION "consent_records_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('tessera.forget_consent', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'consent_records is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Consent proof can only be inserted; a withdrawal is a new row.';
END;
$$;
