CREATE TABLE "totp_factors" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"user_ref" text NOT NULL,
	"label" text NOT NULL,
	"issuer" text NOT NULL,
	"algorithm" text NOT NULL,
	"digits" integer NOT NULL,
	"period" integer NOT NULL,
	"secret_sealed" text,
	"status" text NOT NULL,
	"last_used_step" bigint,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "totp_recovery_codes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "totp_recovery_codes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"factor_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "totp_factors" ADD CONSTRAINT "totp_factors_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "totp_recovery_codes" ADD CONSTRAINT "totp_recovery_codes_factor_id_totp_factors_id_fk" FOREIGN KEY ("factor_id") REFERENCES "public"."totp_factors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "totp_factors_app_user_idx" ON "totp_factors" USING btree ("app_id","user_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "totp_recovery_codes_hash_idx" ON "totp_recovery_codes" USING btree ("code_hash");