-- The fair-work period reads (time on task and pay per hour, taskbank/store/fairwork.py) pick
-- the leases that ended in a period: `state <> 'active' AND ended_at in [start, end)`. Without
-- this index PostgreSQL scans every assignment for them; with it, the period's range. Active
-- leases have no end yet and stay out of it, so a claim writes no entry here. The other
-- indexes each serve a statement (README, Performance: "Indexes and the statements that use
-- them"), so none is dropped.
CREATE INDEX assignments_ended ON assignments (ended_at) WHERE state <> 'active';
