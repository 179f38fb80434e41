CREATE TABLE "audit_checkpoints" (
	"app_id" text NOT NULL,
	"tree_size" bigint NOT NULL,
	"root_hash" "bytea" NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "audit_checkpoints_app_id_tree_size_pk" PRIMARY KEY("app_id","tree_size")
);
--> statement-breakpoint
CREATE TABLE "audit_tree_heads" (
	"app_id" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"frontier" "bytea"[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_tree_leaves" (
	"event_id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"leaf_index" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_tree_nodes" (
	"app_id" text NOT NULL,
	"level" smallint NOT NULL,
	"node_index" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "audit_tree_nodes_app_id_level_node_index_pk" PRIMARY KEY("app_id","level","node_index")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "audit_tree_leaves_app_index_idx" ON "audit_tree_leaves" USING btree ("app_id","leaf_index");--> statement-breakpoint
-- Each app's audit events also form a Merkle log (RFC 9162 §2.1), so that a removed tail shows
-- against a checkpoint kept outside, and one app's events can be proven without any other's.
-- The existing chain columns are unchanged. Leaf i of an app's log is its i-th event in seq order,
-- hashed SHA-256(0x00 || canonical text), the text the chain hashes (tessera_audit_text).
-- audit_tree_nodes holds every complete subtree, so a proof reads O(log n) rows;
-- audit_tree_heads the size and frontier, so an append reads one row per app.
--
-- tessera_audit_tree_append(app, event ids, leaf hashes) appends leaves to one app's log: for each
-- leaf, the leaf and every parent it completes (leaf n completes one per trailing 1-bit of n).
-- Called only by tessera_append_audit (under its lock) and by the backfill below; not granted.
CREATE OR REPLACE FUNCTION "tessera_audit_tree_append"(app text, event_ids text[], leaf_hashes bytea[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  leaf_count bigint;
  frontier bytea[];
  hash bytea;
  node bigint;
  depth int;
  levels smallint[] := '{}';
  nodes bigint[] := '{}';
  hashes bytea[] := '{}';
BEGIN
  SELECT h."size", h."frontier" INTO leaf_count, frontier
    FROM "public"."audit_tree_heads" h WHERE h."app_id" = app FOR UPDATE;
  IF NOT FOUND THEN
    leaf_count := 0;
    frontier := '{}';
  END IF;
  INSERT INTO "public"."audit_tree_leaves" ("event_id", "app_id", "leaf_index")
    SELECT e.id, app, leaf_count + e.n - 1 FROM unnest(event_ids) WITH ORDINALITY AS e(id, n);
  FOR i IN 1 .. coalesce(array_length(leaf_hashes, 1), 0) LOOP
    hash := leaf_hashes[i];
    node := leaf_count;
    depth := 0;
    levels := levels || depth::smallint;
    nodes := nodes || node;
    hashes := hashes || hash;
    -- frontier[depth + 1]: the complete subtree of 2^depth leaves left of this one, if any.
    WHILE node % 2 = 1 LOOP
      hash := sha256(decode('01', 'hex') || frontier[depth + 1] || hash);
      frontier[depth + 1] := NULL;
      depth := depth + 1;
      node := node / 2;
      levels := levels || depth::smallint;
      nodes := nodes || node;
      hashes := hashes || hash;
    END LOOP;
    frontier[depth + 1] := hash;
    leaf_count := leaf_count + 1;
  END LOOP;
  INSERT INTO "public"."audit_tree_nodes" ("app_id", "level", "node_index", "hash")
    SELECT app, t.level, t.node, t.hash FROM unnest(levels, nodes, hashes) AS t(level, node, hash);
  INSERT INTO "public"."audit_tree_heads" ("app_id", "size", "frontier")
    VALUES (app, leaf_count, frontier)
    ON CONFLICT ("app_id") DO UPDATE SET "size" = excluded."size", "frontier" = excluded."frontier";
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION "tessera_audit_tree_append"(text, text[], bytea[]) FROM PUBLIC;
--> statement-breakpoint
-- The rows written before this migration, app by app in seq order, hashed as stored.
SELECT "tessera_audit_tree_append"(a.app_id, array_agg(a.id ORDER BY a.seq),
    array_agg(sha256(decode('00', 'hex') || convert_to(tessera_audit_canonical(a), 'UTF8'))
      ORDER BY a.seq))
  FROM "audit_events" a GROUP BY a.app_id;
--> statement-breakpoint
-- As in 0007_audit_append_from_columns, and each kept event is appended to its app's log.
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
  apps text[] := '{}';
  leaves bytea[] := '{}';
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
    apps := apps || (item ->> 'app_id');
    -- RFC 9162 §2.1.1: the leaf hash of the app's Merkle log is over the same canonical text.
    leaves := leaves || sha256(decode('00', 'hex') || convert_to(canonical, 'UTF8'));
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
  -- Each app's log grows by its events in chain order, in this transaction and under the lock.
  PERFORM "public"."tessera_audit_tree_append"(
      a.app_id, array_agg(a.event_id ORDER BY a.place), array_agg(a.leaf ORDER BY a.place))
    FROM unnest(apps, ids, leaves) WITH ORDINALITY AS a(app_id, event_id, leaf, place)
    GROUP BY a.app_id;
END;
$$;
--> statement-breakpoint
-- Functions are executable by PUBLIC unless revoked; run as the owner, this one must not be.
--> statement-breakpoint
REVOKE ALL ON FUNCTION "tessera_append_audit"(jsonb) FROM PUBLIC;
--> statement-breakpoint
-- Like audit_events, the log and its checkpoints are append-only (the heads are derived and
-- rewritten by each append). The refusal names the table it is about.
CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit rows can only be inserted; the hash chain and the Merkle log record every change.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_tree_nodes_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_tree_nodes"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_tree_nodes_no_truncate" BEFORE TRUNCATE ON "audit_tree_nodes"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_tree_leaves_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_tree_leaves"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_tree_leaves_no_truncate" BEFORE TRUNCATE ON "audit_tree_leaves"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_no_truncate" BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
