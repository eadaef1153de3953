-- The coordinator's estimate of a task's time, as SQLite's 0011 (see there for why).
ALTER TABLE batches ADD COLUMN estimate_seconds INTEGER
    CHECK (estimate_seconds IS NULL OR estimate_seconds BETWEEN 1 AND 86400);
