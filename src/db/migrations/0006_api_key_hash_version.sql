-- API key hashes become HMAC-SHA-256 under a key derived from SECRET_KEY (hash_version 2). Rows
-- already here hold the plain SHA-256 of their key (hash_version 1); a migration cannot rehash them
-- without the keys, so each is rehashed on its first successful use (README, Administration).
ALTER TABLE "api_keys" ADD COLUMN "hash_version" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Hints used to hold the key's first characters: 6 of a generated key's secret, or the first 10 of
-- an operator-chosen BOOTSTRAP_API_KEY. Keep only the public prefix. (Audit rows are append-only and
-- chained: their copies stay, which is why the README says to revoke a chosen bootstrap key.)
UPDATE "api_keys" SET "hint" = CASE WHEN "hint" LIKE 'tsk\_%' THEN 'tsk_…' ELSE '…' END;
