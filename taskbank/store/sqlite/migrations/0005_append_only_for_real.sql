-- The ledger is append-only against every statement, not just UPDATE and DELETE: REPLACE (and
-- INSERT OR REPLACE) deletes a conflicting row without firing delete triggers, and an UPSERT's
-- DO UPDATE on a conflicting id would rewrite it. So an insert whose id or one-earning key is
-- already taken is refused before its conflict is resolved, whatever the statement's ON CONFLICT.
-- SQLite gives NEW.id as -1 in a BEFORE INSERT trigger when the id is left to it, so no row may
-- hold an id below 1 (checked once the real id is known), and the lookup for -1 never matches.

CREATE TRIGGER ledger_refuses_rewrites BEFORE INSERT ON ledger
WHEN EXISTS (SELECT 1 FROM ledger WHERE id = NEW.id)
  OR (NEW.kind = 'earned' AND EXISTS (
      SELECT 1 FROM ledger WHERE submission_id = NEW.submission_id AND kind = 'earned'))
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_ids_are_positive AFTER INSERT ON ledger WHEN NEW.id < 1
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: ids are assigned by the database');
END;

-- The first verdict stands: a second verdict on a submission (REPLACE INTO reviews, or an
-- UPSERT) is ignored, as the service's own ON CONFLICT DO NOTHING already does, so a rejection
-- can never be replaced by an approval that pays. Verdicts are never edited or removed.
CREATE TRIGGER reviews_first_verdict_stands BEFORE INSERT ON reviews
WHEN EXISTS (SELECT 1 FROM reviews WHERE submission_id = NEW.submission_id)
  OR EXISTS (SELECT 1 FROM reviews WHERE id = NEW.id)
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER reviews_ids_are_positive AFTER INSERT ON reviews WHEN NEW.id < 1
BEGIN
    SELECT RAISE(ABORT, 'review ids are assigned by the database');
END;

CREATE TRIGGER reviews_are_final_update BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the first verdict stands: reviews are never edited');
END;

CREATE TRIGGER reviews_are_final_delete BEFORE DELETE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the first verdict stands: reviews are never removed');
END;

-- An answer is stored once: a second submission for the same assignment or client key (REPLACE
-- INTO submissions included) is ignored, exactly as the submit statement's ON CONFLICT DO NOTHING.
CREATE TRIGGER submissions_stored_once BEFORE INSERT ON submissions
WHEN EXISTS (SELECT 1 FROM submissions WHERE assignment_id = NEW.assignment_id)
  OR EXISTS (SELECT 1 FROM submissions WHERE client_key = NEW.client_key)
  OR EXISTS (SELECT 1 FROM submissions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER submissions_ids_are_positive AFTER INSERT ON submissions WHEN NEW.id < 1
BEGIN
    SELECT RAISE(ABORT, 'submission ids are assigned by the database');
END;

CREATE TRIGGER submissions_are_kept BEFORE DELETE ON submissions
BEGIN
    SELECT RAISE(ABORT, 'submissions are never removed');
END;
