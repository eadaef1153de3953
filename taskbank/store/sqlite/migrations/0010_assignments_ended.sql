-- The fair-work period reads (time on task and pay per hour, taskbank/store/fairwork.py) pick
-- the leases that ended in a period: `state <> 'active' AND ended_at in [start, end)`. Without
-- this index that was a scan of every assignment ever made (`SCAN a`); with it, a search of the
-- period. Active leases have no end yet and stay out of it, so a claim writes no entry here; a
-- submit, release, skip or expiry writes one. `python -m benchmarks.index_plans` lists every
-- index with the statement that reads through it: none was unused, so none is dropped.
CREATE INDEX assignments_ended ON assignments (ended_at) WHERE state <> 'active';
