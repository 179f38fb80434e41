-- tessera_inet catches an exception, which opens a subtransaction, and a parallel worker cannot
-- start one: declared PARALLEL SAFE (0008), a CREATE INDEX or REINDEX of audit_events_app_ip_seq_idx
-- that Postgres runs with parallel workers failed ("cannot start subtransactions during a parallel
-- operation"). Restricted, it runs in the leader only; searches read the index, not the function.
ALTER FUNCTION "public"."tessera_inet"(text) PARALLEL RESTRICTED;
