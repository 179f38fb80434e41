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
