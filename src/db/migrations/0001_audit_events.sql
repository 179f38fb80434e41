CREATE TABLE "audit_events" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"app_id" text NOT NULL,
	"type" text NOT NULL,
	"verification_id" text,
	"purpose" text,
	"phone_masked" text,
	"phone_hmac" text,
	"client_ip" text,
	"user_agent" text,
	"outcome" text NOT NULL,
	"reason" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_seq_unique" UNIQUE("seq"),
	CONSTRAINT "audit_events_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_events_app_created_idx" ON "audit_events" USING btree ("app_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_app_phone_idx" ON "audit_events" USING btree ("app_id","phone_hmac");--> statement-breakpoint
CREATE INDEX "audit_events_app_verification_idx" ON "audit_events" USING btree ("app_id","verification_id");--> statement-breakpoint
CREATE INDEX "audit_events_app_type_created_idx" ON "audit_events" USING btree ("app_id","type","created_at");