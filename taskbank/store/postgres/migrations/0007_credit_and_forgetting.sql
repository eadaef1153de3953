-- Credit and forgetting, as SQLite's 0009 (see there for why a stored random pseudonym, and why
-- forgetting rewrites ids under a guard instead of reading them through an identity table).

CREATE TABLE pseudonyms (
    user_id TEXT PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    forgotten_at BIGINT,
    CHECK (forgotten_at IS NULL OR user_id = pseudonym)
);

CREATE TABLE writer_credits (
    project_id BIGINT NOT NULL REFERENCES projects (id),
    writer_id TEXT NOT NULL,
    credited_name TEXT NOT NULL CHECK (length(trim(credited_name)) > 0),
    opted_in_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, writer_id)
);

-- Rows here live only inside `taskbot writer forget`'s transaction (inserted, used, deleted), so
-- another session never sees one: an uncommitted row is invisible to it.
CREATE TABLE forgetting (
    user_id TEXT PRIMARY KEY,
    pseudonym TEXT NOT NULL
);

-- The one UPDATE the append-only tables allow: a forgotten user id swapped for its pseudonym.
CREATE FUNCTION forgotten_id(p_old text, p_guard forgetting) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_old = p_guard.user_id THEN p_guard.pseudonym ELSE p_old END
$$;

CREATE FUNCTION ledger_only_forgets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM forgetting AS f
        WHERE NEW.id = OLD.id AND NEW.kind = OLD.kind AND NEW.amount_cents = OLD.amount_cents
          AND NEW.submission_id IS NOT DISTINCT FROM OLD.submission_id
          AND NEW.batch_id IS NOT DISTINCT FROM OLD.batch_id AND NEW.created_at = OLD.created_at
          AND NEW.writer_id = forgotten_id(OLD.writer_id, f)
          AND NEW.note = replace(OLD.note, f.user_id, f.pseudonym)
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
DROP TRIGGER ledger_is_append_only ON ledger;
CREATE TRIGGER ledger_is_append_only BEFORE DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_only_forgets BEFORE UPDATE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_only_forgets();

CREATE FUNCTION reviews_only_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM forgetting AS f
        WHERE OLD.reviewer_id = f.user_id AND NEW.reviewer_id = f.pseudonym AND NEW.id = OLD.id
          AND NEW.submission_id = OLD.submission_id AND NEW.verdict = OLD.verdict
          AND NEW.reason IS NOT DISTINCT FROM OLD.reason AND NEW.reviewed_at = OLD.reviewed_at
          AND NEW.automatic = OLD.automatic
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the first verdict stands: reviews are never edited or removed'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
DROP TRIGGER reviews_are_final ON reviews;
CREATE TRIGGER reviews_are_final BEFORE DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_are_final();
CREATE TRIGGER reviews_only_forget BEFORE UPDATE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_only_forget();

CREATE OR REPLACE FUNCTION appeals_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'appeals are never removed';
    END IF;
    IF OLD.outcome <> 'open' AND NOT EXISTS (
        SELECT 1 FROM forgetting AS f
        WHERE NEW.id = OLD.id AND NEW.submission_id = OLD.submission_id AND NEW.note = OLD.note
          AND NEW.filed_at = OLD.filed_at AND NEW.outcome = OLD.outcome
          AND NEW.decision_reason IS NOT DISTINCT FROM OLD.decision_reason
          AND NEW.decided_at IS NOT DISTINCT FROM OLD.decided_at
          AND NEW.writer_id = forgotten_id(OLD.writer_id, f)
          AND NEW.reviewer_id = forgotten_id(OLD.reviewer_id, f)
          AND NEW.decided_by IS NOT DISTINCT FROM forgotten_id(OLD.decided_by, f)
    ) THEN
        RAISE EXCEPTION 'a decided appeal is final';
    END IF;
    RETURN NEW;
END;
$$;
