-- The stats trigger finds an event's country (its verification.created row) and an approval's
-- route (its last sms.sent) per appended row. With `type = '...'` the planner took the
-- (app_id, type, seq) index and filtered on verification_id: every lookup read all the app's
-- rows of that type, so each append cost O(the app's verifications) and a 100,000-row INSERT ran
-- for minutes. `type || ''` is not indexable, which leaves the (app_id, verification_id, seq)
-- index: a verification's handful of rows.
CREATE OR REPLACE FUNCTION "tessera_audit_stats_entry"(
  event_type text, app_id text, verification_id text, detail jsonb
) RETURNS TABLE (metric text, country text, route text)
LANGUAGE sql STABLE AS $$
  SELECT m.metric,
    coalesce(detail ->> 'country', (
      SELECT c.detail ->> 'country' FROM "public"."audit_events" c
       WHERE c.app_id = $2 AND c.verification_id = $3 AND c.type || '' = 'verification.created'
       LIMIT 1), ''),
    coalesce(detail ->> 'route', CASE WHEN event_type = 'check.approved' THEN (
      SELECT s.detail ->> 'route' FROM "public"."audit_events" s
       WHERE s.app_id = $2 AND s.verification_id = $3 AND s.type || '' = 'sms.sent'
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
-- PL/pgSQL caches a statement's plan for the life of a connection: one planned while the table was
-- small (a seq scan) would stay in force when it is large, and turn every append quadratic again.
-- EXECUTE plans the upsert afresh each time, against the table as it is (a transition table is
-- visible to EXECUTE too); planning costs far less than one bad plan.
CREATE OR REPLACE FUNCTION "tessera_audit_stats_add"() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  EXECUTE $sql$
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
    DO UPDATE SET "count" = s."count" + excluded."count"
  $sql$;
  RETURN NULL;
END;
$$;
