-- Gold mixing's ordinary arm (claim an open task that is not gold) walks this index instead of
-- reading each task row to test gold_json; a single writer's claim was 18 % slower without it
-- (benchmarks/gold_mix.py: x0.82 on/off without, x1.05 with).
CREATE INDEX tasks_plain_claimable ON tasks (batch_id, id)
    WHERE open_slots > 0 AND gold_json IS NULL;
