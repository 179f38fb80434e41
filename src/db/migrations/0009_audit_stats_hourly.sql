CREATE TABLE "audit_stats_hourly" (
	"app_id" text NOT NULL,
	"dimension" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"key" text NOT NULL,
	"metric" text NOT NULL,
	"reason" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "audit_stats_hourly_app_id_dimension_hour_key_metric_reason_pk" PRIMARY KEY("app_id","dimension","hour","key","metric","reason")
);
--> statement-breakpoint
-- GET /v1/audit/stats reads this table, not the events: a trigger adds each appended event to
-- the count of its hour in the statement that appends it (same transaction: a rolled-back append
-- leaves no count). Which events count, and as what (README, For security teams, Stats):
--   sent      sms.sent (each SMS that left, resends included)
--   delivered sms.delivered
--   failed    sms.failed (no route took it) and sms.undelivered (a receipt said so), by reason
--   approved  check.approved
--   refused   verification.refused and limit.hit (a pumping block is recorded as pumping.trip and
--             limit.hit: counted once, by limit.hit), by reason
-- The country is the event's detail.country or, for the events of a verification, that of its
-- verification.created row; the route is detail.route or, for an approval, the route of the
-- verification's last sms.sent. Both are found on the (app_id, verification_id) index.
CREATE OR REPLACE FUNCTION "tessera_audit_stats_entry"(
  event_type text, app_id text, verification_id text, detail jsonb
) RETURNS TABLE (metric text, country text, route text)
LANGUAGE sql STABLE AS $$
  SELECT m.metric,
    coalesce(detail ->> 'country', (
      SELECT c.detail ->> 'country' FROM "public"."audit_events" c
       WHERE c.app_id = $2 AND c.verification_id = $3 AND c.type = 'verification.created'
       LIMIT 1), ''),
    coalesce(detail ->> 'route', CASE WHEN event_type = 'check.approved' THEN (
      SELECT s.detail ->> 'route' FROM "public"."audit_events" s
       WHERE s.app_id = $2 AND s.verification_id = $3 AND s.type = 'sms.sent'
       ORDER BY s.seq DESC LIMIT 1) END, '')
  FROM (SELECT CASE event_type
      WHEN 'sms.sent' THEN 'sent'
      WHEN 'sms.delivered' THEN 'delivered'
      WHEN 'sms.failed' THEN 'failed'
      WHEN 'sms.undelivered' THEN 'failed'
      WHEN 'check.approved' THEN 'approved'
      WHEN 'verification.refused' THEN 'refused'
      WHEN 'limit.hit' THEN 'refused'
    END AS metric) m
  WHERE m.metric IS NOT NULL
$$;
--> statement-breakpoint
-- Each counted event adds 1 to three rows of its hour, one per dimension (country, purpose,
-- route): a row per combination would grow with their product. The stats per hour read the
-- purpose rows (every counted event has exactly one).
-- One upsert per appending statement (a statement-level trigger over its transition table), so
-- the group commit stays one round trip. Keys are sorted so that two transactions adding to the
-- same hours lock those rows in the same order and cannot deadlock (appends through
-- tessera_append_audit are serialised by the chain lock anyway; a direct INSERT is not).
CREATE OR REPLACE FUNCTION "tessera_audit_stats_add"() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO "public"."audit_stats_hourly" AS s
    ("app_id", "dimension", "hour", "key", "metric", "reason", "count")
  SELECT a.app_id, d.dimension, date_trunc('hour', a.created_at, 'UTC'), d.key, e.metric,
         coalesce(a.reason, ''), count(*)
    FROM added a
    CROSS JOIN LATERAL "public"."tessera_audit_stats_entry"(a.type, a.app_id, a.verification_id, a.detail) e
    CROSS JOIN LATERAL (VALUES ('country', e.country), ('purpose', coalesce(a.purpose, '')),
                               ('route', e.route)) AS d(dimension, key)
   GROUP BY 1, 2, 3, 4, 5, 6
   ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("app_id", "dimension", "hour", "key", "metric", "reason")
    DO UPDATE SET "count" = s."count" + excluded."count";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Appends wait here until the trigger exists and the backfill below is committed (the chain lock
-- of tessera_append_audit, held to the end of the migration's transaction): no event is counted
-- twice or missed.
SELECT pg_advisory_xact_lock(7361552045);
--> statement-breakpoint
CREATE TRIGGER "audit_events_stats"
  AFTER INSERT ON "audit_events"
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION "tessera_audit_stats_add"();
--> statement-breakpoint
INSERT INTO "audit_stats_hourly"
  ("app_id", "dimension", "hour", "key", "metric", "reason", "count")
SELECT a.app_id, d.dimension, date_trunc('hour', a.created_at, 'UTC'), d.key, e.metric,
       coalesce(a.reason, ''), count(*)
  FROM "audit_events" a
  CROSS JOIN LATERAL "tessera_audit_stats_entry"(a.type, a.app_id, a.verification_id, a.detail) e
  CROSS JOIN LATERAL (VALUES ('country', e.country), ('purpose', coalesce(a.purpose, '')),
                             ('route', e.route)) AS d(dimension, key)
 GROUP BY 1, 2, 3, 4, 5, 6;
