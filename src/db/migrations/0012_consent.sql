CREATE TABLE "consent_oppositions" (
	"app_id" text NOT NULL,
	"phone_hmac" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "consent_oppositions_app_id_phone_hmac_pk" PRIMARY KEY("app_id","phone_hmac")
);
--> statement-breakpoint
CREATE TABLE "consent_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consent_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"app_id" text NOT NULL,
	"phone_hmac" text NOT NULL,
	"phone_masked" text NOT NULL,
	"lead_id" text,
	"action" text NOT NULL,
	"method" text NOT NULL,
	"text" text,
	"text_sha256" text,
	"version" text,
	"verification_id" text,
	"client_ip" text,
	"user_agent" text,
	"route" text,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent_oppositions" ADD CONSTRAINT "consent_oppositions_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_records" ADD CONSTRAINT "consent_records_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_records_app_phone_idx" ON "consent_records" USING btree ("app_id","phone_hmac","id");