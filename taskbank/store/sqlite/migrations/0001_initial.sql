-- Taskbot's first schema. Times are INTEGER microseconds since the Unix epoch, UTC.
-- Money is INTEGER cents. Invariants the application relies on are enforced here too.

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    guidelines TEXT NOT NULL DEFAULT '',
    terms TEXT,
    budget_cap_cents INTEGER CHECK (budget_cap_cents >= 0),
    target_hourly_cents INTEGER CHECK (target_hourly_cents >= 0),
    created_at INTEGER NOT NULL
);

CREATE TABLE terms_acceptances (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    writer_id TEXT NOT NULL,
    accepted_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, writer_id)
) WITHOUT ROWID;

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    name TEXT NOT NULL,
    template TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    title TEXT NOT NULL,
    instructions TEXT NOT NULL,
    questions_json TEXT NOT NULL,
    pay_cents INTEGER NOT NULL CHECK (pay_cents >= 0),
    overlap INTEGER NOT NULL CHECK (overlap >= 1),
    lease_seconds INTEGER NOT NULL CHECK (lease_seconds > 0),
    review_rate REAL NOT NULL CHECK (review_rate BETWEEN 0 AND 1),
    priority INTEGER NOT NULL DEFAULT 0,
    deadline INTEGER,
    state TEXT NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
    created_at INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    external_id TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    gold_json TEXT,
    -- overlap minus live (active or submitted) assignments; the CHECK makes over-assignment impossible
    open_slots INTEGER NOT NULL CHECK (open_slots >= 0),
    UNIQUE (batch_id, external_id)
);
CREATE INDEX tasks_claimable ON tasks (batch_id, id) WHERE open_slots > 0;

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks (id),
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    writer_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'submitted', 'released', 'skipped', 'expired')),
    claimed_at INTEGER NOT NULL,
    lease_expires_at INTEGER NOT NULL,
    ended_at INTEGER,
    UNIQUE (task_id, writer_id)  -- a writer never gets the same task twice
);
CREATE INDEX assignments_live_leases ON assignments (lease_expires_at) WHERE state = 'active';
CREATE INDEX assignments_by_writer ON assignments (writer_id, state);
CREATE INDEX assignments_by_batch ON assignments (batch_id, state);

CREATE TRIGGER assignments_take_slot AFTER INSERT ON assignments WHEN NEW.state = 'active'
BEGIN
    UPDATE tasks SET open_slots = open_slots - 1 WHERE id = NEW.task_id;
END;

CREATE TRIGGER assignments_free_slot AFTER UPDATE OF state ON assignments
WHEN OLD.state IN ('active', 'submitted') AND NEW.state IN ('released', 'skipped', 'expired')
BEGIN
    UPDATE tasks SET open_slots = open_slots + 1 WHERE id = NEW.task_id;
END;

CREATE TRIGGER assignments_retake_slot AFTER UPDATE OF state ON assignments
WHEN OLD.state IN ('released', 'skipped', 'expired') AND NEW.state IN ('active', 'submitted')
BEGIN
    UPDATE tasks SET open_slots = open_slots - 1 WHERE id = NEW.task_id;
END;

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL UNIQUE REFERENCES assignments (id),
    task_id INTEGER NOT NULL REFERENCES tasks (id),
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    writer_id TEXT NOT NULL,
    client_key TEXT NOT NULL UNIQUE,
    answers_json TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    seconds_on_task INTEGER NOT NULL CHECK (seconds_on_task >= 0),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    gold_correct INTEGER,
    sampled_at INTEGER
);
CREATE INDEX submissions_by_period
    ON submissions (submitted_at, writer_id, batch_id, status, seconds_on_task);
CREATE INDEX submissions_pending ON submissions (submitted_at) WHERE status = 'pending';
CREATE INDEX submissions_by_batch ON submissions (batch_id, id);

CREATE TRIGGER submissions_close_assignment AFTER INSERT ON submissions
BEGIN
    UPDATE assignments SET state = 'submitted', ended_at = NEW.submitted_at
    WHERE id = NEW.assignment_id;
END;

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions (id),  -- the first verdict stands
    reviewer_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'rejected')),
    reason TEXT,
    reviewed_at INTEGER NOT NULL,
    automatic INTEGER NOT NULL DEFAULT 0,
    CHECK (verdict = 'approved' OR length(trim(coalesce(reason, ''))) > 0)
);
CREATE INDEX reviews_by_period ON reviews (reviewed_at, verdict);

CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    writer_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('earned', 'bonus', 'adjustment')),
    amount_cents INTEGER NOT NULL,
    submission_id INTEGER REFERENCES submissions (id),
    batch_id INTEGER REFERENCES batches (id),
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ledger_one_earning_per_submission ON ledger (submission_id) WHERE kind = 'earned';
CREATE INDEX ledger_by_period ON ledger (created_at, writer_id, kind, amount_cents);
CREATE INDEX ledger_by_batch ON ledger (batch_id);

CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_is_append_only_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

-- A verdict settles the submission and, when approved, pays it: one statement does all three.
CREATE TRIGGER reviews_settle AFTER INSERT ON reviews
BEGIN
    UPDATE submissions SET status = NEW.verdict WHERE id = NEW.submission_id;
    INSERT INTO ledger (writer_id, kind, amount_cents, submission_id, batch_id, created_at)
    SELECT s.writer_id, 'earned', b.pay_cents, s.id, s.batch_id, NEW.reviewed_at
    FROM submissions AS s JOIN batches AS b ON b.id = s.batch_id
    WHERE s.id = NEW.submission_id AND NEW.verdict = 'approved';
END;
