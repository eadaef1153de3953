-- The fair-work period reads (time on task and pay per hour, taskbank/store/fairwork.py) pick
-- the leases that ended in a period: `state <> 'active' AND ended_at in [start, end)`. Without
-- this index that was a scan of every assignment ever made (`SCAN a`); with it, a search of the
-- period. Active leases have no end yet and stay out of it, so a claim writes no entry here; a
-- submit, release, skip or expiry writes one. `python -m benchmarks.index_plans` lists every
-- index with the statement that reads through it: none was unused, so none is dropped.
CREATE INDEX assignments_ended ON assignments (ended_at) WHERE state <> 'active';

-- The tally's work half (taskbank/store/sqlite/store.py) reads each (writer, batch) pair's
-- submissions in a period as one range of this index, instead of sorting every submission of the
-- period for GROUP BY writer_id, batch_id: over 1,000,000 submissions 0.26-0.34 s instead of
-- 0.6-0.8 s on the same loaded machine. One more index entry per submission and per verdict.
CREATE INDEX submissions_by_writer_batch
    ON submissions (writer_id, batch_id, submitted_at, status, seconds_on_task);
