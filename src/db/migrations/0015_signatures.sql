CREATE TABLE "signature_evidence" (
	"signature_id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"body" text NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signatures" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"status" text NOT NULL,
	"signer_ref" text NOT NULL,
	"signer_name" text NOT NULL,
	"phone_hmac" text NOT NULL,
	"phone_masked" text NOT NULL,
	"country" text NOT NULL,
	"document_id" text NOT NULL,
	"document_title" text NOT NULL,
	"document_sha256" text NOT NULL,
	"consent_text" text NOT NULL,
	"consent_sha256" text NOT NULL,
	"locale" text NOT NULL,
	"verification_id" text NOT NULL,
	"verification_expires_at" timestamp with time zone NOT NULL,
	"client_ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone NOT NULL,
	"signed_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"ended_reason" text
);
--> statement-breakpoint
ALTER TABLE "signature_evidence" ADD CONSTRAINT "signature_evidence_signature_id_signatures_id_fk" FOREIGN KEY ("signature_id") REFERENCES "public"."signatures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "signatures_verification_idx" ON "signatures" USING btree ("verification_id");--> statement-breakpoint
CREATE INDEX "signatures_app_signer_doc_idx" ON "signatures" USING btree ("app_id","signer_ref","document_sha256");--> statement-breakpoint
CREATE INDEX "signatures_app_phone_idx" ON "signatures" USING btree ("app_id","phone_hmac");--> statement-breakpoint
-- A signed signature is evidence (README, Signatures): the database itself refuses to change or
-- delete it, whoever asks (the service's role, a bug, an injected statement), as audit_events is
-- append-only (migration 0002). Pending rows still move on (signed, canceled, failed).
CREATE OR REPLACE FUNCTION "signatures_refuse_change_signed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'signature % is signed: % refused', OLD.id, TG_OP
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'A signed signature can never be changed or deleted.';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "signatures_signed_frozen"
  BEFORE UPDATE OR DELETE ON "signatures"
  FOR EACH ROW EXECUTE FUNCTION "signatures_refuse_change_signed"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "signatures_refuse_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is evidence: TRUNCATE refused', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "signatures_no_truncate"
  BEFORE TRUNCATE ON "signatures"
  FOR EACH STATEMENT EXECUTE FUNCTION "signatures_refuse_truncate"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "signature_evidence_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'signature_evidence is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'An evidence file is frozen once built.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "signature_evidence_no_update_delete"
  BEFORE UPDATE OR DELETE ON "signature_evidence"
  FOR EACH ROW EXECUTE FUNCTION "signature_evidence_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "signature_evidence_no_truncate"
  BEFORE TRUNCATE ON "signature_evidence"
  FOR EACH STATEMENT EXECUTE FUNCTION "signature_evidence_refuse_change"();
