-- The tally (taskbank/store/sqlite/store.py) reads both its halves as index ranges, with no
-- per-row test and no sort. Measured over 1,000,000 submissions and 500,000 ledger entries on one
-- 2-core machine (python -m benchmarks.claim_submit --million):
--
-- * Work half: each (writer, batch, status) triple's period is one range of this index, so a
--   range counts its rows and sums their time without testing each row's status (121 ms instead
--   of 194 ms). It replaces 0010's index of the same columns in another order, which only the
--   tally read: a submission still writes one entry here, and a verdict moves it.
-- * Money half: each (writer, kind) pair's period is one range of `ledger_by_writer_kind`,
--   summed in index order, where GROUP BY writer_id, kind over `ledger_by_period` sorted every
--   entry of the period (57 ms instead of 324 ms). `ledger_by_period` stays: the activity report
--   and the bonus list read periods across writers through it. One more entry per ledger row.
DROP INDEX submissions_by_writer_batch;
CREATE INDEX submissions_by_writer_batch_status
    ON submissions (writer_id, batch_id, status, submitted_at, seconds_on_task);
CREATE INDEX ledger_by_writer_kind ON ledger (writer_id, kind, created_at, amount_cents);
