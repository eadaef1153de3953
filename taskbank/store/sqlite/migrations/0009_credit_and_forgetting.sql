-- Credit and forgetting (issue 17, items 7 and 8).
--
-- Exports name a writer by a stored random pseudonym (or, where they opted in, the name they chose
-- for that project), never by their chat user id. A random pseudonym rather than a keyed hash of
-- the id: once a writer is forgotten, nothing in the database (no secret, no mapping) can tie the
-- pseudonym back to the person, while their rows keep the same pseudonym in later exports.
CREATE TABLE pseudonyms (
    user_id TEXT PRIMARY KEY,           -- 'platform:user', or the pseudonym itself once forgotten
    pseudonym TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    forgotten_at INTEGER,
    CHECK (forgotten_at IS NULL OR user_id = pseudonym)
) WITHOUT ROWID;

-- A writer's opt-in to be credited on one project under a name they chose; opting out removes it.
CREATE TABLE writer_credits (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    writer_id TEXT NOT NULL,
    credited_name TEXT NOT NULL CHECK (length(trim(credited_name)) > 0),
    opted_in_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, writer_id)
) WITHOUT ROWID;

-- Forgetting a writer rewrites their id to their pseudonym in every table, the append-only ones
-- (ledger, reviews, decided appeals) included. Those tables still refuse every other change: the
-- one exception is an UPDATE that swaps a user id named in `forgetting` for the pseudonym named
-- beside it and changes nothing else (a ledger note that names the id gets the pseudonym too), so
-- no amount, kind, verdict or date can move. `taskbot writer forget` inserts the row, rewrites and
-- deletes the row in one transaction, so no committed state ever holds it.
--
-- Why not an identity table that every row points through: every statement in both stores reads
-- writer ids directly (claims, tallies, quality, the claim function in PostgreSQL); routing them
-- all through an indirection would touch every hot path for an operation that happens rarely.
CREATE TABLE forgetting (
    user_id TEXT PRIMARY KEY,
    pseudonym TEXT NOT NULL
) WITHOUT ROWID;

DROP TRIGGER ledger_is_append_only_update;
CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
WHEN NOT EXISTS (
    SELECT 1 FROM forgetting AS f
    WHERE NEW.id = OLD.id AND NEW.kind = OLD.kind AND NEW.amount_cents = OLD.amount_cents
      AND NEW.submission_id IS OLD.submission_id AND NEW.batch_id IS OLD.batch_id
      AND NEW.created_at = OLD.created_at
      AND NEW.writer_id = CASE WHEN OLD.writer_id = f.user_id THEN f.pseudonym ELSE OLD.writer_id END
      AND NEW.note = replace(OLD.note, f.user_id, f.pseudonym)
)
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

DROP TRIGGER reviews_are_final_update;
CREATE TRIGGER reviews_are_final_update BEFORE UPDATE ON reviews
WHEN NOT EXISTS (
    SELECT 1 FROM forgetting AS f
    WHERE OLD.reviewer_id = f.user_id AND NEW.reviewer_id = f.pseudonym AND NEW.id = OLD.id
      AND NEW.submission_id = OLD.submission_id AND NEW.verdict = OLD.verdict
      AND NEW.reason IS OLD.reason AND NEW.reviewed_at = OLD.reviewed_at
      AND NEW.automatic = OLD.automatic
)
BEGIN
    SELECT RAISE(ABORT, 'the first verdict stands: reviews are never edited');
END;

DROP TRIGGER appeals_are_final;
CREATE TRIGGER appeals_are_final BEFORE UPDATE ON appeals
WHEN OLD.outcome <> 'open' AND NOT EXISTS (
    SELECT 1 FROM forgetting AS f
    WHERE NEW.id = OLD.id AND NEW.submission_id = OLD.submission_id AND NEW.note = OLD.note
      AND NEW.filed_at = OLD.filed_at AND NEW.outcome = OLD.outcome
      AND NEW.decision_reason IS OLD.decision_reason AND NEW.decided_at IS OLD.decided_at
      AND NEW.writer_id = CASE WHEN OLD.writer_id = f.user_id THEN f.pseudonym ELSE OLD.writer_id END
      AND NEW.reviewer_id = CASE WHEN OLD.reviewer_id = f.user_id THEN f.pseudonym
                                 ELSE OLD.reviewer_id END
      AND NEW.decided_by IS CASE WHEN OLD.decided_by = f.user_id THEN f.pseudonym
                                 ELSE OLD.decided_by END
)
BEGIN
    SELECT RAISE(ABORT, 'a decided appeal is final');
END;
