CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "webhook_deliveries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"endpoint_id" text NOT NULL,
	"app_id" text NOT NULL,
	"message_id" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_status" integer,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"events" text[] NOT NULL,
	"secret_sealed" text NOT NULL,
	"previous_secret_sealed" text,
	"previous_secret_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "webhook_outbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"app_id" text NOT NULL,
	"audit_id" text,
	"type" text,
	"data" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_message_endpoint_idx" ON "webhook_deliveries" USING btree ("message_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_seq_idx" ON "webhook_deliveries" USING btree ("endpoint_id","seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_endpoints_app_idx" ON "webhook_endpoints" USING btree ("app_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_outbox_due_idx" ON "webhook_outbox" USING btree ("due_at","seq");--> statement-breakpoint
-- The webhook outbox is filled in the transaction that appends the audit rows (README, Events
-- (webhooks)): an event committed to the trail is never without its outbox row, and a rolled-back
-- append leaves none. Only the audit types some webhook event comes from, and only for apps that
-- have an endpoint; src/webhooks/audit-to-event.ts decides what each row becomes. The outbox id is
-- the event's Standard Webhooks message id, derived from the audit row's id, so a receiver can
-- look the event up in the trail. One insert per appending statement (transition table), so the
-- group commit stays one round trip. A verification.created row is queued for when the code
-- expires (its ttl_seconds later): at that time the worker reads the verification's status, sends
-- verification.expired if it is expired, and looks again at the new expiry after a resend.
CREATE OR REPLACE FUNCTION "tessera_webhook_outbox_add"() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO "public"."webhook_outbox" ("id", "app_id", "audit_id", "created_at", "due_at")
  SELECT 'msg_' || a.id, a.app_id, a.id, a.created_at,
         CASE WHEN a.type = 'verification.created'
              THEN a.created_at + make_interval(secs => coalesce((a.detail ->> 'ttl_seconds')::int, 0))
         END
    FROM added a
   WHERE a.type IN ('verification.created', 'check.approved', 'check.wrong', 'verification.canceled', 'sms.delivered',
                    'sms.undelivered', 'pumping.trip', 'lead.verified')
     AND EXISTS (SELECT 1 FROM "public"."webhook_endpoints" e WHERE e.app_id = a.app_id)
   ORDER BY a.seq
  ON CONFLICT ("id") DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_webhooks"
  AFTER INSERT ON "audit_events"
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION "tessera_webhook_outbox_add"();
