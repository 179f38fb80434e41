-- tessera_append_audit no longer trusts its caller for what the chain vouches for. Before, it
-- hashed the canonical text the caller sent and stored the caller's created_at, so any role that
-- could call it could append a back-dated event that verifies. Now:
--   * each row's canonical text is recomputed here from the values being inserted (the same
--     text as canonicalEvent in src/audit/hash-chain.ts; tessera_audit_canonical(row)) and
--     hashed as before: hash = hex(SHA-256(UTF-8 bytes of prev_hash || canonical)). A caller's
--     `canonical`, `prev_hash`, `hash`, `seq` and `created_at` are ignored, so old writers still
--     work and no text can disagree with its row;
--   * created_at is the database's clock, read once the chain lock is held (so it never goes
--     backwards along seq), to the millisecond (what JavaScript reads back and hashes);
--   * the function is SECURITY DEFINER, owned by the role that migrates, with a fixed search_path,
--     and PUBLIC may no longer execute it: the runtime role is given EXECUTE (and SELECT on
--     audit_events, nothing more there) by `tessera migrate --grant-runtime-role` (README,
--     Database roles), since a migration cannot know role names.
-- Rows already in the trail are not touched: the formula is unchanged, so they keep verifying.
--
-- Why recompute rather than compare the caller's text with the columns: the JS verifier recomputes
-- the text from the stored columns, so it is that text, and only that one, which must be hashed.
-- Comparing parsed JSON (jsonb equality) would still accept a differently written text (key
-- order, number spelling, escapes) whose hash the verifier cannot reproduce. So the rules of
-- canonicalJson (src/kernel/canonical-json.ts) applied to the detail as JSON.parse reads it back
-- are written out here:
--   * strings: to_json(text)::text escapes exactly as JSON.stringify does for any text
--     PostgreSQL can hold (", \, \b \f \n \r \t, other controls as \u00xx, nothing else);
--   * object keys in UTF-16 code unit order (tessera_utf16_bytes);
--   * numbers as ECMAScript writes the double JSON.parse makes of them (tessera_json_number):
--     the shortest decimal that reads back as that double.
-- The helpers take no privilege and may be used by anyone, e.g. to check the chain in SQL.
CREATE OR REPLACE FUNCTION "tessera_json_number"(value numeric) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
-- Any value above 0 makes float8 text the shortest one that PostgreSQL reads back as the double.
SET extra_float_digits = 1
AS $$
DECLARE
  double float8 := abs(value)::float8;
  parts text[];
  digits text;
  -- ECMAScript Number::toString's n: the value is 0.digits x 10^n.
  n int;
  k int;
  truncated numeric;
  candidate text;
  found text;
  written text;
BEGIN
  IF double = 0 THEN
    RETURN '0';
  END IF;
  parts := regexp_match(double::text, '^([0-9]+)(?:[.]([0-9]+))?(?:e([-+][0-9]+))?$');
  IF parts IS NULL THEN
    RAISE EXCEPTION 'tessera_json_number: cannot write %', double;
  END IF;
  digits := parts[1] || coalesce(parts[2], '');
  n := length(parts[1]) + coalesce(parts[3]::int, 0);
  WHILE left(digits, 1) = '0' LOOP
    digits := substr(digits, 2);
    n := n - 1;
  END LOOP;
  digits := rtrim(digits, '0');
  k := length(digits);
  -- PostgreSQL never writes a decimal lying exactly halfway to the next double; JavaScript does
  -- when it reads back as this double (round half to even), e.g. 5e+22, written
  -- 4.9999999999999996e+22 here. So look for fewer digits that read back: if some decimal of
  -- l digits does, one of the two around these digits does. Of two, the nearer to them.
  FOR l IN 1 .. k - 1 LOOP
    truncated := left(digits, l)::numeric;
    found := NULL;
    FOREACH candidate IN ARRAY ARRAY[truncated::text, (truncated + 1)::text] LOOP
      -- Out of range would raise; neither could be the answer there.
      CONTINUE WHEN (candidate || 'e' || (n - l))::numeric
        NOT BETWEEN 3e-324 AND 1.7976931348623157e308;
      CONTINUE WHEN (candidate || 'e' || (n - l))::float8 <> double;
      IF found IS NULL OR abs(candidate::numeric * 10::numeric ^ (k - l) - digits::numeric)
          < abs(found::numeric * 10::numeric ^ (k - l) - digits::numeric) THEN
        found := candidate;
      END IF;
    END LOOP;
    IF found IS NOT NULL THEN
      -- 99 + 1 = 100: one more place before the point.
      n := n + length(found) - l;
      digits := rtrim(found, '0');
      k := length(digits);
      EXIT;
    END IF;
  END LOOP;
  IF k <= n AND n <= 21 THEN
    written := digits || repeat('0', n - k);
  ELSIF 0 < n AND n <= 21 THEN
    written := left(digits, n) || '.' || substr(digits, n + 1);
  ELSIF -6 < n AND n <= 0 THEN
    written := '0.' || repeat('0', -n) || digits;
  ELSE
    written := left(digits, 1)
      || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
      || 'e' || CASE WHEN n - 1 >= 0 THEN '+' ELSE '-' END || abs(n - 1)::text;
  END IF;
  RETURN CASE WHEN value < 0 THEN '-' || written ELSE written END;
END;
$$;
--> statement-breakpoint
-- A key as UTF-16BE bytes, whose byte order is JavaScript's order of strings (code units). Byte
-- order of UTF-8 (COLLATE "C") is code point order, the same unless a character from U+E000 to
-- U+FFFF meets one beyond U+FFFF, which UTF-16 (as a surrogate pair) puts first: the keys of an
-- object holding such a character are compared this way, those of any other object with "C".
CREATE OR REPLACE FUNCTION "tessera_utf16_bytes"(value text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  units bytea := '';
  code int;
BEGIN
  FOR i IN 1 .. length(value) LOOP
    code := ascii(substr(value, i, 1));
    IF code >= 65536 THEN
      -- A surrogate pair, as JavaScript strings hold it.
      code := code - 65536;
      units := units || int2send((55296 + (code >> 10) - 65536)::int2)
        || int2send((56320 + (code & 1023) - 65536)::int2);
    ELSE
      units := units || int2send((CASE WHEN code >= 32768 THEN code - 65536 ELSE code END)::int2);
    END IF;
  END LOOP;
  RETURN units;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "tessera_canonical_json"(value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  written text;
  number numeric;
BEGIN
  CASE jsonb_typeof(value)
  WHEN 'object' THEN
    IF value = '{}'::jsonb THEN
      RETURN '{}';
    END IF;
    -- Scalars are written inline, the rest by a call. The whole text is searched (cheaper than
    -- each key): a value holding such a character only makes the keys compared as UTF-16.
    -- chr() rather than a \u escape: the pattern does not depend on standard_conforming_strings.
    IF value::text ~ ('[' || chr(57344) || '-' || chr(65535) || ']') THEN
      SELECT string_agg(to_json(key)::text || ':' || CASE
          WHEN jsonb_typeof(item) IN ('string', 'boolean', 'null') THEN item::text
          ELSE "public"."tessera_canonical_json"(item) END,
        ',' ORDER BY "public"."tessera_utf16_bytes"(key))
      INTO written FROM jsonb_each(value) AS t(key, item);
    ELSE
      SELECT string_agg(to_json(key)::text || ':' || CASE
          WHEN jsonb_typeof(item) IN ('string', 'boolean', 'null') THEN item::text
          WHEN jsonb_typeof(item) = 'number' AND item::numeric = trunc(item::numeric)
            AND abs(item::numeric) < 1e15 THEN trunc(item::numeric)::text
          ELSE "public"."tessera_canonical_json"(item) END,
        ',' ORDER BY key COLLATE "C")
      INTO written FROM jsonb_each(value) AS t(key, item);
    END IF;
    RETURN '{' || written || '}';
  WHEN 'array' THEN
    SELECT string_agg("public"."tessera_canonical_json"(item), ',' ORDER BY n)
    INTO written FROM jsonb_array_elements(value) WITH ORDINALITY AS t(item, n);
    RETURN '[' || coalesce(written, '') || ']';
  WHEN 'number' THEN
    number := value::numeric;
    -- Integers below 10^15 are exact doubles, written by both sides without exponent or point.
    IF number = trunc(number) AND abs(number) < 1e15 THEN
      RETURN trunc(number)::text;
    END IF;
    RETURN "public"."tessera_json_number"(number);
  ELSE
    -- Strings (escaped as JSON.stringify does), true, false, null.
    RETURN value::text;
  END CASE;
END;
$$;
--> statement-breakpoint
-- canonicalEvent's text of a row whose detail is already written canonically: the columns in key
-- order, created_at as toISOString() writes it. One expression, so that PostgreSQL inlines it
-- into the query that calls it. to_json(text) escapes as to_jsonb does, without a jsonb.
CREATE OR REPLACE FUNCTION "tessera_audit_text"(
  id text, app_id text, type text, verification_id text, purpose text, phone_masked text,
  phone_hmac text, client_ip text, user_agent text, outcome text, reason text, detail text,
  created_at timestamptz
) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT '{"app_id":' || coalesce(to_json(app_id)::text, 'null')
    || ',"client_ip":' || coalesce(to_json(client_ip)::text, 'null')
    || ',"created_at":' || coalesce(to_json(
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text, 'null')
    || ',"detail":' || coalesce(detail, 'null')
    || ',"id":' || coalesce(to_json(id)::text, 'null')
    || ',"outcome":' || coalesce(to_json(outcome)::text, 'null')
    || ',"phone_hmac":' || coalesce(to_json(phone_hmac)::text, 'null')
    || ',"phone_masked":' || coalesce(to_json(phone_masked)::text, 'null')
    || ',"purpose":' || coalesce(to_json(purpose)::text, 'null')
    || ',"reason":' || coalesce(to_json(reason)::text, 'null')
    || ',"type":' || coalesce(to_json(type)::text, 'null')
    || ',"user_agent":' || coalesce(to_json(user_agent)::text, 'null')
    || ',"verification_id":' || coalesce(to_json(verification_id)::text, 'null')
    || '}'
$$;
--> statement-breakpoint
-- The text a stored row is hashed with, to check the chain in SQL:
--   select seq from audit_events a where hash <>
--     encode(sha256(convert_to(prev_hash || tessera_audit_canonical(a), 'UTF8')), 'hex');
CREATE OR REPLACE FUNCTION "tessera_audit_canonical"(event "public"."audit_events") RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT "public"."tessera_audit_text"(
    event.id, event.app_id, event.type, event.verification_id, event.purpose, event.phone_masked,
    event.phone_hmac, event.client_ip, event.user_agent, event.outcome, event.reason,
    "public"."tessera_canonical_json"(event.detail), event.created_at)
$$;
--> statement-breakpoint
-- As in 0005_audit_append_idempotent (see there and 0003_audit_append_function for the batch
-- format, the written-once ids and why READ COMMITTED is required), with the changes above.
-- SECURITY DEFINER: every name is qualified and search_path holds only pg_catalog (then pg_temp,
-- explicitly last), so no object of the caller's can stand in for one of the owner's.
CREATE OR REPLACE FUNCTION "tessera_append_audit"(events jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  isolation text := current_setting('transaction_isolation');
  item jsonb;
  position bigint;
  event_id text;
  texts text[];
  canonical text;
  recorded_at timestamptz;
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
  PERFORM pg_advisory_xact_lock(7361552045);
  -- After the lock: a batch's time is never before the previous batch's.
  recorded_at := date_trunc('milliseconds', clock_timestamp());
  SELECT "hash" INTO prev FROM "public"."audit_events" ORDER BY "seq" DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  -- Every event's canonical text in one statement, from the same expressions as the INSERT below
  -- (the text is that of the row as stored). A flat detail is written inline, as
  -- tessera_canonical_json's object branch does (a call per event costs ten times as much, and
  -- this runs under the chain lock); nested values, numbers that are not small integers and keys
  -- that need UTF-16 order go through it. A detail that is not an object gets no text (below).
  SELECT array_agg("public"."tessera_audit_text"(
      e ->> 'id', e ->> 'app_id', e ->> 'type', e ->> 'verification_id', e ->> 'purpose',
      e ->> 'phone_masked', e ->> 'phone_hmac', e ->> 'client_ip', e ->> 'user_agent',
      e ->> 'outcome', e ->> 'reason',
      CASE
        WHEN jsonb_typeof(coalesce(e -> 'detail', '{}'::jsonb)) <> 'object' THEN NULL
        WHEN (e -> 'detail')::text ~ ('[' || chr(57344) || '-' || chr(65535) || ']')
          THEN "public"."tessera_canonical_json"(e -> 'detail')
        ELSE '{' || coalesce((
          SELECT string_agg(to_json(key)::text || ':' || CASE
              WHEN jsonb_typeof(member) IN ('string', 'boolean', 'null') THEN member::text
              WHEN jsonb_typeof(member) = 'number' AND member::numeric = trunc(member::numeric)
                AND abs(member::numeric) < 1e15 THEN trunc(member::numeric)::text
              ELSE "public"."tessera_canonical_json"(member) END,
            ',' ORDER BY key COLLATE "C")
          FROM jsonb_each(e -> 'detail') AS d(key, member)), '') || '}'
      END,
      recorded_at) ORDER BY n)
    INTO texts
    FROM jsonb_array_elements(events) WITH ORDINALITY AS t(e, n);
  FOR item, position IN
    SELECT e, n FROM jsonb_array_elements(events) WITH ORDINALITY AS t(e, n) ORDER BY n
  LOOP
    event_id := item ->> 'id';
    CONTINUE WHEN event_id = ANY(ids)
      OR EXISTS (SELECT 1 FROM "public"."audit_events" WHERE "id" = event_id);
    -- The verifier reads a JSON null detail as {}: refused rather than stored unverifiable.
    IF jsonb_typeof(coalesce(item -> 'detail', '{}'::jsonb)) <> 'object' THEN
      RAISE EXCEPTION 'tessera_append_audit: the detail of event % is not a JSON object', event_id
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    canonical := texts[position::int];
    kept := kept || position;
    ids := ids || event_id;
    prevs := prevs || prev;
    prev := encode(sha256(convert_to(prev || canonical, 'UTF8')), 'hex');
    hashes := hashes || prev;
  END LOOP;
  -- The identity column numbers rows in the order they come out of the ORDER BY, the chain order.
  INSERT INTO "public"."audit_events" (
    "id", "app_id", "type", "verification_id", "purpose", "phone_masked", "phone_hmac",
    "client_ip", "user_agent", "outcome", "reason", "detail", "created_at", "prev_hash", "hash"
  )
  SELECT
    e ->> 'id', e ->> 'app_id', e ->> 'type', e ->> 'verification_id', e ->> 'purpose',
    e ->> 'phone_masked', e ->> 'phone_hmac', e ->> 'client_ip', e ->> 'user_agent',
    e ->> 'outcome', e ->> 'reason', coalesce(e -> 'detail', '{}'::jsonb),
    recorded_at, k.prev_hash, k.hash
  FROM unnest(kept, prevs, hashes) WITH ORDINALITY AS k(n, prev_hash, hash, place)
  CROSS JOIN LATERAL (SELECT events -> (k.n - 1)::int AS e) AS t
  ORDER BY k.place;
END;
$$;
--> statement-breakpoint
-- Functions are executable by PUBLIC unless revoked; run as the owner, this one must not be.
REVOKE ALL ON FUNCTION "tessera_append_audit"(jsonb) FROM PUBLIC;
