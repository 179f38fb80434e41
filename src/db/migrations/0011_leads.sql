CREATE TABLE "lead_qualifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_qualifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lead_id" text NOT NULL,
	"stage" text NOT NULL,
	"bant" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"score" integer,
	"note" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"status" text NOT NULL,
	"phone_hmac" text NOT NULL,
	"phone_masked" text NOT NULL,
	"phone_sealed" text NOT NULL,
	"country" text NOT NULL,
	"source" text,
	"form" text,
	"lead_ref" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"client_ip" text,
	"user_agent" text,
	"consent_request" jsonb,
	"verification_id" text,
	"verification_expires_at" timestamp with time zone,
	"linked_lead_id" text,
	"sends" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"first_sent_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"unverified_at" timestamp with time zone,
	"unverified_reason" text,
	"qualification" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"last_contact_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lead_qualifications" ADD CONSTRAINT "lead_qualifications_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_qualifications_lead_idx" ON "lead_qualifications" USING btree ("lead_id","id");--> statement-breakpoint
CREATE INDEX "leads_app_created_idx" ON "leads" USING btree ("app_id","created_at","id");--> statement-breakpoint
CREATE INDEX "leads_app_phone_idx" ON "leads" USING btree ("app_id","phone_hmac");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_verification_idx" ON "leads" USING btree ("verification_id");