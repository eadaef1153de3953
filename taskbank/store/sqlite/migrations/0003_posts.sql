-- Every scheduled post is recorded before it is sent and marked when sent, so a restart or a
-- crash catches up once instead of skipping or repeating.

CREATE TABLE posts (
    job TEXT NOT NULL,          -- 'tally', 'qa', 'lease'
    period_key TEXT NOT NULL,   -- which period or subject, e.g. '2026-11-16' or a submission id
    recipient TEXT NOT NULL,    -- 'channel' or a writer id
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    PRIMARY KEY (job, period_key, recipient)
) WITHOUT ROWID;
CREATE INDEX posts_pending ON posts (state, job) WHERE state = 'pending';
