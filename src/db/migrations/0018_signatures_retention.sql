-- Signed signatures and their evidence stay frozen (migration 0015), with one way out: the
-- retention job (README, Retention) deletes them once their period is over, after setting
-- tessera.forget_signatures for its transaction only. A stray UPDATE or DELETE, from a bug or an
-- injected statement, is still refused; TRUNCATE always is.
CREATE OR REPLACE FUNCTION "signatures_refuse_change_signed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('tessera.forget_signatures', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'signature % is signed: % refused', OLD.id, TG_OP
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'A signed signature can never be changed or deleted.';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "signature_evidence_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('tessera.forget_signatures', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'signature_evidence is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'An evidence file is frozen once built.';
END;
$$;
