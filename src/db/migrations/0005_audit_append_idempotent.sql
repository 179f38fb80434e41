-- tessera_append_audit writes an event id once. An event whose id is already in the trail is left
-- out of the batch (and does not extend the chain): a retried append whose first commit went
-- through but whose acknowledgement was lost (the connection dropped during COMMIT), or spooled
-- rows taken over by two starts, no longer show up twice or fail the batch on the primary key.
-- The check runs after the chain lock, one primary-key probe per event (a set-based anti-join
-- would be planned for ~100 rows and may scan the whole table), so it sees every committed append.
-- Everything else is as in 0003_audit_append_function (see there for the chain format and why
-- READ COMMITTED is required).
CREATE OR REPLACE FUNCTION "tessera_append_audit"(events jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  isolation text := current_setting('transaction_isolation');
  item jsonb;
  position bigint;
  event_id text;
  canonical text;
  prev text;
  kept bigint[] := '{}';
  ids text[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
BEGIN
  -- PostgreSQL runs READ UNCOMMITTED as READ COMMITTED.
  IF isolation NOT IN ('read committed', 'read uncommitted') THEN
    RAISE EXCEPTION 'tessera_append_audit needs READ COMMITTED, the transaction is %', isolation
      USING ERRCODE = 'TA001';
  END IF;
  -- The audit writer's former lock id: processes of either version still extend one chain.
  -- Transaction-scoped: released by the commit or rollback, even if the client dies.
  PERFORM pg_advisory_xact_lock(7361552045);
  SELECT "hash" INTO prev FROM "audit_events" ORDER BY "seq" DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR item, position IN
    SELECT e, n FROM jsonb_array_elements(events) WITH ORDINALITY AS t(e, n) ORDER BY n
  LOOP
    event_id := item ->> 'id';
    -- Written once: an id met earlier in this batch, or already in the trail, is left out.
    CONTINUE WHEN event_id = ANY(ids)
      OR EXISTS (SELECT 1 FROM "audit_events" WHERE "id" = event_id);
    canonical := item ->> 'canonical';
    IF canonical IS NULL THEN
      RAISE EXCEPTION 'tessera_append_audit: an event has no canonical text';
    END IF;
    kept := kept || position;
    ids := ids || event_id;
    prevs := prevs || prev;
    prev := encode(sha256(convert_to(prev || canonical, 'UTF8')), 'hex');
    hashes := hashes || prev;
  END LOOP;
  -- The identity column numbers rows in the order they come out of the ORDER BY, the chain order.
  INSERT INTO "audit_events" (
    "id", "app_id", "type", "verification_id", "purpose", "phone_masked", "phone_hmac",
    "client_ip", "user_agent", "outcome", "reason", "detail", "created_at", "prev_hash", "hash"
  )
  SELECT
    e ->> 'id', e ->> 'app_id', e ->> 'type', e ->> 'verification_id', e ->> 'purpose',
    e ->> 'phone_masked', e ->> 'phone_hmac', e ->> 'client_ip', e ->> 'user_agent',
    e ->> 'outcome', e ->> 'reason', coalesce(e -> 'detail', '{}'::jsonb),
    (e ->> 'created_at')::timestamptz, k.prev_hash, k.hash
  FROM unnest(kept, prevs, hashes) WITH ORDINALITY AS k(n, prev_hash, hash, place)
  CROSS JOIN LATERAL (SELECT events -> (k.n - 1)::int AS e) AS t
  ORDER BY k.place;
END;
$$;
