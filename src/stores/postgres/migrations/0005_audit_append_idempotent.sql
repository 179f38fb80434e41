-- tessera_append_audit writes an event id once. An event whose id is already in the trail is left
-- out of the batch (and does not extend the chain): a retried append whose first commit went
-- through but whose acknowledgement was lost (the connection dropped during COMMIT), or spooled
-- rows taken over by two starts, no longer show up twice or fail the batch on the primary key.
-- The check runs after the chain lock, in its own statement, so it sees every committed append.
-- Everything else is as in 0003_audit_append_function (see there for the chain format and why
-- READ COMMITTED is required).
CREATE OR REPLACE FUNCTION "tessera_append_audit"(events jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  isolation text := current_setting('transaction_isolation');
  fresh jsonb;
  prev text;
  canonical text;
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
  -- In batch order, each id once, none already written.
  SELECT coalesce(jsonb_agg(d.e ORDER BY d.n), '[]'::jsonb) INTO fresh
  FROM (
    SELECT DISTINCT ON (t.e ->> 'id') t.e, t.n
    FROM jsonb_array_elements(events) WITH ORDINALITY AS t(e, n)
    WHERE NOT EXISTS (SELECT 1 FROM "audit_events" a WHERE a."id" = t.e ->> 'id')
    ORDER BY t.e ->> 'id', t.n
  ) AS d;
  IF jsonb_array_length(fresh) = 0 THEN
    RETURN;
  END IF;
  SELECT "hash" INTO prev FROM "audit_events" ORDER BY "seq" DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR canonical IN
    SELECT e ->> 'canonical' FROM jsonb_array_elements(fresh) WITH ORDINALITY AS t(e, n) ORDER BY n
  LOOP
    IF canonical IS NULL THEN
      RAISE EXCEPTION 'tessera_append_audit: an event has no canonical text';
    END IF;
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
    (e ->> 'created_at')::timestamptz, prevs[n::int], hashes[n::int]
  FROM jsonb_array_elements(fresh) WITH ORDINALITY AS t(e, n)
  ORDER BY n;
END;
$$;
