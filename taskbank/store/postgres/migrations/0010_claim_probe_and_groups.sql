-- The claim's "never the same task twice" test, probed per candidate task. In 0008 each pick's
-- NOT EXISTS became an anti-join, and PostgreSQL planned it as a merge anti-join that scans
-- UNIQUE (task_id, writer_id) with only writer_id known: every claim read the writer's whole
-- history through an index not led by it (88 buffers with 57 assignments, EXPLAIN (ANALYZE,
-- BUFFERS) in benchmarks/index_plans.py --store), growing with every assignment stored. OFFSET 0
-- keeps the test a subplan, so each candidate task is one probe of that index with both columns
-- known (14 buffers, whatever the history). No index changes: the unique index already has both.
CREATE OR REPLACE FUNCTION claim_task(
    p_writer text, p_batches bigint[], p_caps bigint[], p_now bigint, p_max integer,
    p_kinds text[]
) RETURNS TABLE (
    id bigint, task_id bigint, batch_id bigint, writer_id text, state text, claimed_at bigint,
    lease_expires_at bigint, ended_at bigint, task_external_id text, task_payload_json text,
    task_gold_json text, existing boolean
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
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
    RETURN QUERY
    WITH picked AS (
        SELECT coalesce(pick_any.id, pick_gold.id, pick_plain.id) AS task_id, b.id AS batch_id,
               b.lease_seconds
        FROM unnest(p_batches, p_caps, p_kinds) WITH ORDINALITY AS c(batch_id, cap, kinds, position)
        CROSS JOIN LATERAL (
            SELECT ob.* FROM batches AS ob
            WHERE ob.id = c.batch_id AND ob.state = 'open'
              AND (ob.deadline IS NULL OR ob.deadline > p_now)
              AND (c.cap IS NULL OR
                   (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger AS l
                    JOIN batches AS lb ON lb.id = l.batch_id WHERE lb.project_id = ob.project_id)
                 + (SELECT coalesce(sum(ab.pay_cents), 0) FROM assignments AS a
                    JOIN batches AS ab ON ab.id = a.batch_id
                    LEFT JOIN submissions AS s ON s.assignment_id = a.id
                    WHERE ab.project_id = ob.project_id
                      AND (a.state = 'active' OR s.status = 'pending'))
                 + ob.pay_cents <= c.cap)
            OFFSET 0  -- kept a subquery, so it stays on the inner side of the batches' loop
        ) AS b
        CROSS JOIN LATERAL unnest(string_to_array(coalesce(c.kinds, 'any'), ','))
            WITH ORDINALITY AS k(kind, rank)
        LEFT JOIN LATERAL (
            SELECT t.id FROM tasks AS t
            WHERE k.kind = 'any' AND t.batch_id = b.id AND t.open_slots > 0
              AND NOT EXISTS (SELECT 1 FROM assignments AS mine
                              WHERE mine.task_id = t.id AND mine.writer_id = p_writer
                              OFFSET 0)
            ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED
        ) AS pick_any ON true
        LEFT JOIN LATERAL (
            SELECT t.id FROM tasks AS t
            WHERE k.kind = 'gold' AND t.batch_id = b.id AND t.open_slots > 0
              AND t.gold_json IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM assignments AS mine
                              WHERE mine.task_id = t.id AND mine.writer_id = p_writer
                              OFFSET 0)
            ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED
        ) AS pick_gold ON true
        LEFT JOIN LATERAL (
            SELECT t.id FROM tasks AS t
            WHERE k.kind = 'plain' AND t.batch_id = b.id AND t.open_slots > 0
              AND t.gold_json IS NULL
              AND NOT EXISTS (SELECT 1 FROM assignments AS mine
                              WHERE mine.task_id = t.id AND mine.writer_id = p_writer
                              OFFSET 0)
            ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED
        ) AS pick_plain ON true
        WHERE true
          AND coalesce(pick_any.id, pick_gold.id, pick_plain.id) IS NOT NULL
        LIMIT 1
    ), claimed AS (
        INSERT INTO assignments (task_id, batch_id, writer_id, state, claimed_at, lease_expires_at)
        SELECT p.task_id, p.batch_id, p_writer, 'active', p_now, p_now + p.lease_seconds::bigint * 1000000
        FROM picked AS p
        ON CONFLICT (task_id, writer_id) DO NOTHING
        RETURNING *
    )
    SELECT c.id, c.task_id, c.batch_id, c.writer_id, c.state, c.claimed_at, c.lease_expires_at,
           c.ended_at, t.external_id, t.payload_json, t.gold_json, false
    FROM claimed AS c JOIN tasks AS t ON t.id = c.task_id;
END $$;

-- Group commit (taskbank/store/postgres/grouped.py): the claims that arrive together run as one
-- statement, one transaction, one commit. Claim i is claim_task for writer p_writers[i] over the
-- slice [p_firsts[i], p_lasts[i]] of the batch, cap and kind arrays, in order, so each sees the
-- leases and slots the claims before it took; its rows come back tagged with `op` = i. Every
-- writer's advisory lock is held to the commit, and rows this transaction locked are not
-- skipped by its own later claims, so the overlap CHECK and the one-lease rule hold as before.
-- The writers' locks are all taken first, in one order (of their keys), so two groups sharing
-- writers wait for each other instead of deadlocking (claim_task takes its lock again: a no-op).
CREATE FUNCTION claim_tasks(
    p_writers text[], p_nows bigint[], p_maxes integer[], p_firsts integer[], p_lasts integer[],
    p_batches bigint[], p_caps bigint[], p_kinds text[]
) RETURNS TABLE (
    op integer, id bigint, task_id bigint, batch_id bigint, writer_id text, state text,
    claimed_at bigint, lease_expires_at bigint, ended_at bigint, task_external_id text,
    task_payload_json text, task_gold_json text, existing boolean
) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7301002, k.key)
    FROM (SELECT DISTINCT hashtext(w) AS key FROM unnest(p_writers) AS w ORDER BY 1) AS k;
    FOR i IN 1 .. coalesce(array_length(p_writers, 1), 0) LOOP
        RETURN QUERY
        SELECT i, c.* FROM claim_task(
            p_writers[i], p_batches[p_firsts[i]:p_lasts[i]], p_caps[p_firsts[i]:p_lasts[i]],
            p_nows[i], p_maxes[i], p_kinds[p_firsts[i]:p_lasts[i]]) AS c;
    END LOOP;
END $$;
