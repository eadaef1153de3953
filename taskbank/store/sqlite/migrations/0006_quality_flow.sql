-- Gold mixing, qualification, pausing and adjudication (issue 16, the work-flow half).

-- Each batch's resolved quality policy (gold rate, qualification, pause rule) as JSON, written
-- once at import beside the batch: the claim reads the gold rate, the service the rest.
CREATE TABLE batch_quality (
    batch_id INTEGER PRIMARY KEY REFERENCES batches (id),
    gold_rate REAL CHECK (gold_rate BETWEEN 0 AND 1),
    policy_json TEXT NOT NULL
);

-- Gold tasks are control tasks: every writer may get each one once, so a claim that prefers
-- gold finds the first gold task open to this writer without walking the ordinary ones.
CREATE INDEX tasks_gold_claimable ON tasks (batch_id, id)
    WHERE open_slots > 0 AND gold_json IS NOT NULL;

-- A writer's gold answers in a batch, newest last: the rolling accuracy reads the last K.
CREATE INDEX submissions_gold_by_writer ON submissions (writer_id, batch_id, id)
    WHERE gold_correct IS NOT NULL;

-- A writer paused on a batch (their rolling gold accuracy fell below its threshold) until a
-- coordinator reinstates them; the history stays, at most one pause is open at a time.
CREATE TABLE writer_pauses (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    writer_id TEXT NOT NULL,
    paused_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    gold_correct INTEGER NOT NULL CHECK (gold_correct >= 0),
    gold_answered INTEGER NOT NULL CHECK (gold_answered >= gold_correct),
    -- the last gold submission the pause was decided on: the next window starts after it
    last_submission_id INTEGER NOT NULL REFERENCES submissions (id),
    reinstated_at INTEGER,
    reinstated_by TEXT,
    CHECK ((reinstated_at IS NULL) = (reinstated_by IS NULL))
);
CREATE UNIQUE INDEX writer_pauses_one_open ON writer_pauses (batch_id, writer_id)
    WHERE reinstated_at IS NULL;

-- The answer a reviewer settled on for a task whose writers disagreed; the first one stands.
CREATE TABLE adjudications (
    task_id INTEGER PRIMARY KEY REFERENCES tasks (id),
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    answers_json TEXT NOT NULL,
    adjudicator_id TEXT NOT NULL,
    decided_at INTEGER NOT NULL
);
CREATE INDEX adjudications_by_batch ON adjudications (batch_id);
