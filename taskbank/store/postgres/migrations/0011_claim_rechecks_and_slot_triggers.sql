-- Claims plan from a moment-old cached list of open batches on PostgreSQL too (taskbank/bank/
-- openbatches.py; PostgresStore.claim_rechecks_access): reading the list afresh was one more
-- statement and round trip per claim, outside any group, and about a third of a claim+submit's
-- server and client CPU. For that, the claim refuses on its own what the list could be stale
-- about, as SQLite's statement does: besides a batch no longer open or past its deadline, the
-- budget cap and the live-lease limit (as before), a writer paused on the batch and a project
-- whose terms the writer has not accepted. Both are index probes per batch tried
-- (writer_pauses_one_open, the primary keys of projects and terms_acceptances).

-- The claims of a group, now with the claim's body inline (it was a call of claim_task per
-- claim: one more statement, a function call and a second take of the writer's lock each), and
-- claim_task the group of one. Same rules as 0010: every writer's lock first, in key order; then
-- claim i, for writer p_writers[i] over the slice [p_firsts[i], p_lasts[i]] of the batch, cap
-- and kind arrays, counts that writer's live leases on a fresh snapshot (a new statement) and
-- either hands back the oldest at the limit or claims in one INSERT, seeing the claims before it.
CREATE OR REPLACE FUNCTION claim_tasks(
    p_writers text[], p_nows bigint[], p_maxes integer[], p_firsts integer[], p_lasts integer[],
    p_batches bigint[], p_caps bigint[], p_kinds text[]
) RETURNS TABLE (
    op integer, id bigint, task_id bigint, batch_id bigint, writer_id text, state text,
    claimed_at bigint, lease_expires_at bigint, ended_at bigint, task_external_id text,
    task_payload_json text, task_gold_json text, existing boolean
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_writer text;
    v_now bigint;
    v_batches bigint[];
    v_caps bigint[];
    v_kinds text[];
BEGIN
    PERFORM pg_advisory_xact_lock(7301002, k.key)
    FROM (SELECT DISTINCT hashtext(w) AS key FROM unnest(p_writers) AS w ORDER BY 1) AS k;
    FOR i IN 1 .. coalesce(array_length(p_writers, 1), 0) LOOP
        v_writer := p_writers[i];
        v_now := p_nows[i];
        v_batches := p_batches[p_firsts[i]:p_lasts[i]];
        v_caps := p_caps[p_firsts[i]:p_lasts[i]];
        v_kinds := p_kinds[p_firsts[i]:p_lasts[i]];
        IF (SELECT count(*) FROM assignments AS a
            WHERE a.writer_id = v_writer AND a.state = 'active') >= p_maxes[i] THEN
            RETURN QUERY
            SELECT i, a.id, a.task_id, a.batch_id, a.writer_id, a.state, a.claimed_at,
                   a.lease_expires_at, a.ended_at, t.external_id, t.payload_json, t.gold_json, true
            FROM assignments AS a JOIN tasks AS t ON t.id = a.task_id
            WHERE a.writer_id = v_writer AND a.state = 'active'
            ORDER BY a.id
            LIMIT 1;
            CONTINUE;
        END IF;
        RETURN QUERY
        WITH picked AS (
            SELECT coalesce(pick_any.id, pick_gold.id, pick_plain.id) AS task_id, b.id AS batch_id,
                   b.lease_seconds
            FROM unnest(v_batches, v_caps, v_kinds) WITH ORDINALITY AS c(batch_id, cap, kinds, position)
            CROSS JOIN LATERAL (
                SELECT ob.* FROM batches AS ob
                WHERE ob.id = c.batch_id AND ob.state = 'open'
                  AND (ob.deadline IS NULL OR ob.deadline > v_now)
                  AND NOT EXISTS (SELECT 1 FROM writer_pauses AS wp
                                  WHERE wp.batch_id = ob.id AND wp.writer_id = v_writer
                                    AND wp.reinstated_at IS NULL)
                  AND (SELECT p.terms IS NULL OR EXISTS (
                              SELECT 1 FROM terms_acceptances AS ta
                              WHERE ta.project_id = p.id AND ta.writer_id = v_writer)
                       FROM projects AS p WHERE p.id = ob.project_id)
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
                                  WHERE mine.task_id = t.id AND mine.writer_id = v_writer
                                  OFFSET 0)
                ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED
            ) AS pick_any ON true
            LEFT JOIN LATERAL (
                SELECT t.id FROM tasks AS t
                WHERE k.kind = 'gold' AND t.batch_id = b.id AND t.open_slots > 0
                  AND t.gold_json IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM assignments AS mine
                                  WHERE mine.task_id = t.id AND mine.writer_id = v_writer
                                  OFFSET 0)
                ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED
            ) AS pick_gold ON true
            LEFT JOIN LATERAL (
                SELECT t.id FROM tasks AS t
                WHERE k.kind = 'plain' AND t.batch_id = b.id AND t.open_slots > 0
                  AND t.gold_json IS NULL
                  AND NOT EXISTS (SELECT 1 FROM assignments AS mine
                                  WHERE mine.task_id = t.id AND mine.writer_id = v_writer
                                  OFFSET 0)
                ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED
            ) AS pick_plain ON true
            WHERE true
              AND coalesce(pick_any.id, pick_gold.id, pick_plain.id) IS NOT NULL
            LIMIT 1
        ), claimed AS (
            INSERT INTO assignments (task_id, batch_id, writer_id, state, claimed_at, lease_expires_at)
            SELECT p.task_id, p.batch_id, v_writer, 'active', v_now, v_now + p.lease_seconds::bigint * 1000000
            FROM picked AS p
            ON CONFLICT (task_id, writer_id) DO NOTHING
            RETURNING *
        )
        SELECT i, c.id, c.task_id, c.batch_id, c.writer_id, c.state, c.claimed_at, c.lease_expires_at,
               c.ended_at, t.external_id, t.payload_json, t.gold_json, false
        FROM claimed AS c JOIN tasks AS t ON t.id = c.task_id;
    END LOOP;
END $$;

-- One claim alone: the group of one.
CREATE OR REPLACE FUNCTION claim_task(
    p_writer text, p_batches bigint[], p_caps bigint[], p_now bigint, p_max integer,
    p_kinds text[]
) RETURNS TABLE (
    id bigint, task_id bigint, batch_id bigint, writer_id text, state text, claimed_at bigint,
    lease_expires_at bigint, ended_at bigint, task_external_id text, task_payload_json text,
    task_gold_json text, existing boolean
) LANGUAGE sql AS $$
    SELECT c.id, c.task_id, c.batch_id, c.writer_id, c.state, c.claimed_at, c.lease_expires_at,
           c.ended_at, c.task_external_id, c.task_payload_json, c.task_gold_json, c.existing
    FROM claim_tasks(ARRAY[p_writer], ARRAY[p_now], ARRAY[p_max], ARRAY[1],
                     ARRAY[coalesce(array_length(p_batches, 1), 0)], p_batches, p_caps, p_kinds) AS c
$$;

-- assignments_slots ran its PL/pgSQL body for every assignment written, also where it changes
-- nothing: every submit's 'active' -> 'submitted' (via submissions_close_assignment) called it
-- for no slot change. The same function now fires only for the state changes that move a slot,
-- decided by WHEN clauses the executor evaluates without entering PL/pgSQL: a claim (an active
-- lease inserted) and the two transitions the function's branches handle.
DROP TRIGGER assignments_slots ON assignments;
CREATE TRIGGER assignments_slots AFTER INSERT ON assignments
    FOR EACH ROW WHEN (NEW.state = 'active') EXECUTE FUNCTION assignments_slots();
CREATE TRIGGER assignments_slots_moved AFTER UPDATE OF state ON assignments
    FOR EACH ROW WHEN (
        (OLD.state IN ('active', 'submitted') AND NEW.state IN ('released', 'skipped', 'expired'))
        OR (OLD.state IN ('released', 'skipped', 'expired') AND NEW.state IN ('active', 'submitted')))
    EXECUTE FUNCTION assignments_slots();

-- An answer closes its lease. That was a row trigger: per answer stored, a PL/pgSQL call and an
-- UPDATE of its own (its executor started, its CHECKs prepared), so a group's one INSERT of 40
-- answers ran 40 more statements. A statement trigger over the inserted rows (a transition
-- table) closes them all in one UPDATE at the end of the INSERT, in the same transaction, before
-- the caller hears of it, as before. The UPDATE still fires assignments' own row triggers: a
-- late answer to an expired lease takes its slot back, and the overlap CHECK refuses it when
-- the slot has gone to someone else meanwhile (LeaseLost).
CREATE FUNCTION submissions_close_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE assignments AS a SET state = 'submitted', ended_at = n.submitted_at
    FROM inserted AS n WHERE a.id = n.assignment_id;
    RETURN NULL;
END $$;
DROP TRIGGER submissions_close_assignment ON submissions;
DROP FUNCTION submissions_close_assignment();
CREATE TRIGGER submissions_close_assignment AFTER INSERT ON submissions
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION submissions_close_assignments();
