-- The ledger is append-only against every statement: UPDATE and DELETE were refused row by row
-- (an UPSERT's DO UPDATE and MERGE fire the same row triggers), but TRUNCATE fires no row
-- trigger, so it is refused by a statement trigger — also when it arrives by CASCADE from the
-- tables the ledger references.
CREATE TRIGGER ledger_is_append_only_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();

-- The first verdict stands: a verdict is never edited, removed or truncated away (a rejection
-- replaced by an approval would pay). A second verdict is already refused by UNIQUE (submission_id).
CREATE FUNCTION reviews_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the first verdict stands: reviews are never edited or removed'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER reviews_are_final BEFORE UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_are_final();
CREATE TRIGGER reviews_are_final_truncate BEFORE TRUNCATE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_are_final();

-- An acknowledged answer is never removed.
CREATE FUNCTION submissions_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'submissions are never removed' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER submissions_are_kept BEFORE DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION submissions_are_kept();
CREATE TRIGGER submissions_are_kept_truncate BEFORE TRUNCATE ON submissions
    FOR EACH STATEMENT EXECUTE FUNCTION submissions_are_kept();

-- A claim, decided in one statement: at most p_max live (active) leases per writer, across every
-- process and connection, then one slot of the first task open to the writer in the batches
-- given (in order, each with its budget cap or NULL). When the writer already holds p_max, the
-- oldest of those leases comes back instead of a new one, so a double click or a retry gets the
-- lease the first claim took.
--
-- Why an advisory lock: under READ COMMITTED two claims by one writer on two connections take
-- their snapshots before either commits, so a "fewer than p_max active" condition inside one
-- claim statement would pass in both. The transaction-scoped advisory lock on the writer makes
-- the second claim wait until the first has committed (it is released only after the commit);
-- the count that follows is a new statement in a VOLATILE function, so it runs on a fresh
-- snapshot that sees the first claim's lease. A per-writer counter row (UPDATE … WHERE active <
-- max, re-checked after the row lock) would also be correct, but it is derived state that
-- every assignment change, the lease sweep and `db copy` (which loads with triggers off) must
-- keep true; the lock keeps the rule on the assignments themselves. Claims by different writers
-- never wait for each other (a hash collision only makes two writers take turns), and the whole
-- claim is still one round trip in autocommit. Callers must not wrap it in a REPEATABLE READ
-- or SERIALIZABLE transaction, where statements share one snapshot.
CREATE FUNCTION claim_task(
    p_writer text, p_batches bigint[], p_caps bigint[], p_now bigint, p_max integer
) RETURNS TABLE (
    id bigint, task_id bigint, batch_id bigint, writer_id text, state text, claimed_at bigint,
    lease_expires_at bigint, ended_at bigint, task_external_id text, task_payload_json text,
    task_gold_json text, existing boolean
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    i integer;
    cap bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7301002, hashtext(p_writer));
    IF (SELECT count(*) FROM assignments AS a WHERE a.writer_id = p_writer AND a.state = 'active')
       >= p_max THEN
        RETURN QUERY
        SELECT a.id, a.task_id, a.batch_id, a.writer_id, a.state, a.claimed_at, a.lease_expires_at,
               a.ended_at, t.external_id, t.payload_json, t.gold_json, true
        FROM assignments AS a JOIN tasks AS t ON t.id = a.task_id
        WHERE a.writer_id = p_writer AND a.state = 'active'
        ORDER BY a.id
        LIMIT 1;
        RETURN;
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_batches, 1), 0) LOOP
        cap := p_caps[i];
        RETURN QUERY
        WITH picked AS (
            SELECT t.id, t.batch_id FROM tasks AS t JOIN batches AS b ON b.id = t.batch_id
            WHERE t.batch_id = p_batches[i] AND b.state = 'open' AND t.open_slots > 0
              AND (b.deadline IS NULL OR b.deadline > p_now)
              AND NOT EXISTS (
                  SELECT 1 FROM assignments AS mine
                  WHERE mine.task_id = t.id AND mine.writer_id = p_writer)
              AND (cap IS NULL OR
                   (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger AS l
                    JOIN batches AS lb ON lb.id = l.batch_id WHERE lb.project_id = b.project_id)
                 + (SELECT coalesce(sum(ab.pay_cents), 0) FROM assignments AS a
                    JOIN batches AS ab ON ab.id = a.batch_id
                    LEFT JOIN submissions AS s ON s.assignment_id = a.id
                    WHERE ab.project_id = b.project_id AND (a.state = 'active' OR s.status = 'pending'))
                 + b.pay_cents <= cap)
            ORDER BY t.id
            LIMIT 1
            FOR UPDATE OF t SKIP LOCKED
        ), claimed AS (
            INSERT INTO assignments (task_id, batch_id, writer_id, state, claimed_at, lease_expires_at)
            SELECT picked.id, picked.batch_id, p_writer, 'active', p_now,
                   p_now + b.lease_seconds::bigint * 1000000
            FROM picked JOIN batches AS b ON b.id = picked.batch_id
            ON CONFLICT (task_id, writer_id) DO NOTHING
            RETURNING *
        )
        SELECT c.id, c.task_id, c.batch_id, c.writer_id, c.state, c.claimed_at, c.lease_expires_at,
               c.ended_at, t.external_id, t.payload_json, t.gold_json, false
        FROM claimed AS c JOIN tasks AS t ON t.id = c.task_id;
        IF FOUND THEN
            RETURN;
        END IF;
    END LOOP;
END $$;
