-- Fair work: when a writer first saw a project's terms (reading them is time given to the
-- project, so the honest hourly rate counts it), and appeals against rejections. An appeal is
-- decided once, by someone other than the reviewer who rejected; upholding it pays through a new
-- ledger entry (the ledger stays append-only), denying it keeps the rejection with a reason.

CREATE TABLE terms_views (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    writer_id TEXT NOT NULL,
    shown_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, writer_id)
) WITHOUT ROWID;

CREATE TABLE appeals (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions (id),  -- one appeal per rejection
    writer_id TEXT NOT NULL,
    reviewer_id TEXT NOT NULL,
    note TEXT NOT NULL CHECK (length(trim(note)) > 0),
    filed_at INTEGER NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'upheld', 'denied')),
    decided_by TEXT,
    decision_reason TEXT,
    decided_at INTEGER,
    CHECK (outcome = 'open' OR (decided_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (outcome <> 'denied' OR length(trim(coalesce(decision_reason, ''))) > 0),
    CHECK (decided_by IS NULL OR decided_by <> reviewer_id)
);
CREATE INDEX appeals_open ON appeals (filed_at) WHERE outcome = 'open';
CREATE INDEX appeals_by_reviewer ON appeals (reviewer_id, outcome);

CREATE TRIGGER appeals_are_final BEFORE UPDATE ON appeals WHEN OLD.outcome <> 'open'
BEGIN
    SELECT RAISE(ABORT, 'a decided appeal is final');
END;

CREATE TRIGGER appeals_are_kept BEFORE DELETE ON appeals
BEGIN
    SELECT RAISE(ABORT, 'appeals are never removed');
END;
