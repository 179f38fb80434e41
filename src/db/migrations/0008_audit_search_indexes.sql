-- Indexes for the audit search (GET /v1/audit/events and its export; src/audit/postgres-audit-search.ts).
-- A search reads one app's rows in seq order (the chain order, which only grows), so each filter
-- has an index led by app_id and ending in seq: a page is then one index range, newest or oldest
-- first, and the next page starts where the cursor's seq left off.
--
-- tessera_inet: client_ip is text (written in one canonical spelling by the service); the ip
-- filter compares it as inet with `<<=`, which a btree index over inet reads as a range. A text
-- that is not an address (none is written today) becomes null instead of failing the insert of
-- its row: an index expression that raised would refuse audit rows.
CREATE OR REPLACE FUNCTION "public"."tessera_inet"(value text) RETURNS inet
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
BEGIN
  RETURN value::inet;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE INDEX "audit_events_app_seq_idx" ON "audit_events" USING btree ("app_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_app_phone_seq_idx" ON "audit_events" USING btree ("app_id","phone_hmac","seq");--> statement-breakpoint
CREATE INDEX "audit_events_app_verification_seq_idx" ON "audit_events" USING btree ("app_id","verification_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_app_type_seq_idx" ON "audit_events" USING btree ("app_id","type","seq");--> statement-breakpoint
CREATE INDEX "audit_events_app_ip_seq_idx" ON "audit_events" USING btree ("app_id","public"."tessera_inet"("client_ip"),"seq");--> statement-breakpoint
-- Led by the same columns as two of the indexes above, which serve their lookups too
-- (appsThatMessaged reads (app_id, phone_hmac)); one index fewer to write per row.
DROP INDEX "audit_events_app_phone_idx";--> statement-breakpoint
DROP INDEX "audit_events_app_verification_idx";
