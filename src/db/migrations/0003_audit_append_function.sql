-- Appends a batch of audit events to the hash chain in one statement, so the audit writer's group
-- commit costs one round trip (this call, in its own implicit transaction) instead of five
-- (BEGIN, lock, head read, INSERT, COMMIT). The chain format is unchanged:
--   hash = hex(SHA-256(UTF-8 bytes of prev_hash || canonical))
-- where `canonical` is computed by the caller (canonicalEvent in src/domain/hash-chain.ts), so
-- canonicalisation lives in one place and rows written before this function still verify.
--
-- `events` is a JSON array, in chain order, of objects keyed by column name (id, app_id, type,
-- verification_id, purpose, phone_masked, phone_hmac, client_ip, user_agent, outcome, reason,
-- detail, created_at) plus `canonical`.
--
-- The head read must see the rows committed by the previous holder of the lock. In READ COMMITTED
-- each statement of a VOLATILE function takes a fresh snapshot, so reading the head in its own
-- statement after the lock does. Under REPEATABLE READ or SERIALIZABLE the snapshot is the one
-- taken when the calling statement started, before the lock wait, and the chain would fork; the
-- function refuses to run there (SQLSTATE TA001) and the caller retries in an explicit READ
-- COMMITTED transaction.
CREATE OR REPLACE FUNCTION "tessera_append_audit"(events jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  isolation text := current_setting('transaction_isolation');
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
  SELECT "hash" INTO prev FROM "audit_events" ORDER BY "seq" DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR canonical IN
    SELECT e ->> 'canonical' FROM jsonb_array_elements(events) WITH ORDINALITY AS t(e, n) ORDER BY n
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
  FROM jsonb_array_elements(events) WITH ORDINALITY AS t(e, n)
  ORDER BY n;
END;
$$;
