-- The coordinator's estimate of a task's time (batch file setting `estimate_minutes`, stored in
-- seconds): shown to writers before claiming until the batch has enough timed answers for a
-- median. NULL: no estimate given.
ALTER TABLE batches ADD COLUMN estimate_seconds INTEGER
    CHECK (estimate_seconds IS NULL OR estimate_seconds BETWEEN 1 AND 86400);
