-- Half-done answers survive restarts, and chat messages can be traced to what they show.

CREATE TABLE drafts (
    assignment_id INTEGER PRIMARY KEY REFERENCES assignments (id),
    answers_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE message_links (
    ref TEXT NOT NULL,            -- an adapter's opaque message reference
    kind TEXT NOT NULL,           -- what the message shows, e.g. 'review'
    subject_id INTEGER NOT NULL,  -- the id of what it shows, e.g. a submission
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ref, kind)
) WITHOUT ROWID;
