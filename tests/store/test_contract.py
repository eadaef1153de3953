"""What every role promises, written once and run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from taskbank.errors import NotAllowed, NotFound, ValidationFailed
from taskbank.models import AssignmentState, BatchState, LedgerKind, Verdict
from taskbank.store.records import NewSubmission
from tests.batches import TONE_ANSWER
from tests.store.conftest import NOW


async def claimed(store, batch, writer: str):
    found = await store.claim(writer, [batch.id], {}, NOW)
    assert found is not None
    return found


async def answered(store, batch, writer: str, key: str | None = None):
    assignment, _ = await claimed(store, batch, writer)
    new = NewSubmission(assignment.id, writer, key or f"k-{writer}", TONE_ANSWER, None)
    submission, replayed = await store.insert_submission(new, NOW + timedelta(seconds=90))
    assert not replayed
    return submission


# -- batches ---------------------------------------------------------------------------------


async def test_batches_are_found_listed_and_change_state(store, batch):
    assert (await store.get_batch(batch.id)).name == "contract"
    assert [b.id for b in await store.list_batches()] == [batch.id]
    assert (await store.set_batch_state(batch.id, BatchState.PAUSED)).state == BatchState.PAUSED
    progress = await store.batch_progress(batch.id)
    assert (progress.tasks, progress.slots) == (3, 6)


async def test_missing_batches_and_projects_are_not_found(store, batch):
    with pytest.raises(NotFound):
        await store.get_batch(batch.id + 99)
    with pytest.raises(NotFound):
        await store.set_batch_state(batch.id + 99, BatchState.CLOSED)
    with pytest.raises(NotFound):
        await store.get_project(batch.project_id + 99)


async def test_accepting_terms_twice_changes_nothing(store, batch):
    await store.accept_terms(batch.project_id, "ana", NOW)
    await store.accept_terms(batch.project_id, "ana", NOW)
    [candidate] = await store.claim_candidates("ana")
    assert candidate.batch_id == batch.id and not candidate.needs_terms


# -- claims and drafts -----------------------------------------------------------------------


async def test_a_claim_returns_the_assignment_with_its_task(store, batch):
    assignment, task = await claimed(store, batch, "ana")
    assert assignment.task_id == task.id and task.batch_id == batch.id
    assert await store.get_task(task.id) == task
    assert await store.get_assignment(assignment.id) == assignment
    assert await store.active_assignments("ana") == [assignment]


async def test_only_the_holder_ends_an_assignment(store, batch):
    assignment, _ = await claimed(store, batch, "ana")
    with pytest.raises(NotAllowed):
        await store.end_assignment(assignment.id, "ben", AssignmentState.RELEASED, NOW)
    ended = await store.end_assignment(assignment.id, "ana", AssignmentState.RELEASED, NOW)
    assert ended.state == AssignmentState.RELEASED
    with pytest.raises(NotFound):
        await store.end_assignment(assignment.id + 99, "ana", AssignmentState.RELEASED, NOW)


async def test_lapsed_leases_expire_once(store, batch):
    assignment, _ = await claimed(store, batch, "ana")
    assert await store.expire_leases(NOW + timedelta(seconds=599)) == []
    [expired] = await store.expire_leases(NOW + timedelta(seconds=600))
    assert (expired.id, expired.state) == (assignment.id, AssignmentState.EXPIRED)
    assert await store.expire_leases(NOW + timedelta(hours=1)) == []


async def test_a_draft_replaces_the_one_before(store, batch):
    assignment, _ = await claimed(store, batch, "ana")
    assert await store.get_draft(assignment.id) == {}
    await store.update_draft(assignment.id, lambda kept: {"tone": "calm"}, NOW)
    await store.update_draft(assignment.id, lambda kept: {"tone": "tense"}, NOW)
    assert await store.get_draft(assignment.id) == {"tone": "tense"}


async def test_drafts_changed_at_the_same_moment_keep_every_change(store, batch):
    assignment, _ = await claimed(store, batch, "ana")

    async def change(key: str, value: object) -> None:
        await store.update_draft(assignment.id, lambda kept: {**kept, key: value}, NOW)

    await asyncio.gather(*(change(key, value) for key, value in TONE_ANSWER.items()))
    assert await store.get_draft(assignment.id) == TONE_ANSWER


async def test_a_refused_draft_change_stores_nothing(store, batch):
    assignment, _ = await claimed(store, batch, "ana")

    def refuse(kept: dict) -> dict:
        raise ValidationFailed([])

    with pytest.raises(ValidationFailed):
        await store.update_draft(assignment.id, refuse, NOW)
    assert await store.get_draft(assignment.id) == {}


# -- submissions -----------------------------------------------------------------------------


async def test_a_repeated_answer_returns_the_first(store, batch):
    first = await answered(store, batch, "ana")
    new = NewSubmission(first.assignment_id, "ana", first.client_key, {"tone": "calm"}, None)
    again, replayed = await store.insert_submission(new, NOW + timedelta(seconds=95))
    assert replayed and again == first
    assert await store.get_submission(first.id) == first
    assert await store.submission_for_assignment(first.assignment_id) == first


async def test_a_client_key_cannot_be_reused_for_another_answer(store, batch):
    first = await answered(store, batch, "ana")
    assignment, _ = await claimed(store, batch, "ben")
    new = NewSubmission(assignment.id, "ben", first.client_key, TONE_ANSWER, None)
    with pytest.raises(NotAllowed):
        await store.insert_submission(new, NOW)


# -- reviews ---------------------------------------------------------------------------------


async def test_the_first_verdict_stands_and_nobody_judges_their_own_work(store, batch):
    submission = await answered(store, batch, "ana")
    with pytest.raises(NotAllowed):
        await store.insert_review(submission.id, "ana", Verdict.APPROVED, None, NOW)
    with pytest.raises(NotFound):
        await store.insert_review(submission.id + 99, "rev", Verdict.APPROVED, None, NOW)
    review, recorded = await store.insert_review(submission.id, "rev", Verdict.REJECTED, "x", NOW)
    assert recorded and review.verdict == Verdict.REJECTED
    again, recorded = await store.insert_review(submission.id, "rev2", Verdict.APPROVED, None, NOW)
    assert not recorded and again == review == await store.get_review(submission.id)


async def test_samples_are_marked_once_and_offered_to_others(store, batch):
    submission = await answered(store, batch, "ana")
    assert [s.id for s in await store.unsampled_submissions(batch.id)] == [submission.id]
    assert await store.unsampled_submissions(batch.id + 99) == []
    await store.mark_sampled([submission.id], NOW)
    assert await store.unsampled_submissions(None) == []
    assert await store.next_sampled_for("ana") is None
    assert (await store.next_sampled_for("rev")).id == submission.id


async def test_auto_approval_pays_what_is_old_enough(store, batch):
    submission = await answered(store, batch, "ana")
    assert await store.auto_approve(submission.submitted_at, NOW) == 0
    assert await store.auto_approve(submission.submitted_at + timedelta(seconds=1), NOW) == 1
    [earned] = await store.ledger_entries("ana")
    assert (earned.kind, earned.amount_cents) == (LedgerKind.EARNED, 40)


# -- ledger and reports ----------------------------------------------------------------------


async def test_ledger_entries_append_and_filter_by_writer(store, batch):
    bonus = await store.add_ledger_entry("ana", LedgerKind.BONUS, 100, "week", batch.id, NOW)
    await store.add_ledger_entry("ben", LedgerKind.ADJUSTMENT, -5, "fix", None, NOW)
    assert await store.ledger_entries("ana") == [bonus]
    assert [e.writer_id for e in await store.ledger_entries()] == ["ana", "ben"]
    assert await store.ledger_total() == 95


async def test_a_value_the_database_cannot_hold_is_refused_and_nothing_stored(store, batch):
    with pytest.raises(ValidationFailed):
        await store.add_ledger_entry("ana", LedgerKind.BONUS, 100, "\ud800", batch.id, NOW)
    assert await store.ledger_entries() == []


async def test_reports_count_work_and_money(store, batch):
    await answered(store, batch, "ana")
    await store.add_ledger_entry("ana", LedgerKind.BONUS, 100, "week", batch.id, NOW)
    day = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    [line] = (await store.tally(*day, None)).lines
    assert (line.writer_id, line.submitted, line.pending_cents, line.bonus_cents) == (
        "ana",
        1,
        40,
        100,
    )
    assert [(c, n) for _, c, n in await store.activity_by_quarter_hour(*day)] == [(100, 1)]
    assert [spent for _, spent in await store.project_spend()] == [100]
    assert await store.writer_projects(*day) == {"ana": {batch.project_id}}
    [row] = [row async for row in store.export_rows(batch.id)]
    assert (row["writer_id"], row["answers"]) == ("ana", TONE_ANSWER)


async def test_quality_answers_read_only_the_answered_tasks(store, batch):
    # A big batch's unanswered tasks are rows the figures never use (and freeing 741,412 of them
    # held the event loop): only the answered tasks come back, with their external ids.
    submission = await answered(store, batch, "ana")
    stored = await store.quality_answers(batch.id)
    assert [row[0] for row in stored.tasks] == [submission.task_id]
    assert [row[0] for row in stored.submissions] == [submission.task_id]
    assert list(stored.by_task) == [submission.task_id]


# -- outbox and deliveries -------------------------------------------------------------------


async def test_a_post_is_recorded_once_then_marked_sent(store):
    assert await store.record_post("tally", "2026-W10", "ana", NOW) == "new"
    assert await store.record_post("tally", "2026-W10", "ana", NOW) == "pending"
    await store.mark_post_sent("tally", "2026-W10", "ana", NOW)
    assert await store.record_post("tally", "2026-W10", "ana", NOW) == "sent"
    assert await store.posts("tally") == [("2026-W10", "ana", "sent")]
    assert await store.posts("tally", state="pending") == []


async def test_a_message_link_stands_once_made(store, batch):
    assert await store.linked_subject("msg-1", "submission") is None
    await store.link_message("msg-1", "submission", 7, NOW)
    await store.link_message("msg-1", "submission", 8, NOW)
    assert await store.linked_subject("msg-1", "submission") == 7
    assert await store.linked_subject("msg-1", "card") is None


async def test_a_delivery_is_taken_once_until_forgotten(store):
    assert await store.first_delivery("event-1", NOW, NOW - timedelta(hours=1))
    assert not await store.first_delivery("event-1", NOW, NOW - timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    assert await store.first_delivery("event-1", later, later - timedelta(hours=1))


# -- copying out -----------------------------------------------------------------------------


async def test_a_store_reads_out_its_tables_in_chunks(store, batch):
    columns = await store.table_columns("tasks")
    assert columns[0] == "id" and "payload_json" in columns
    chunks = [chunk async for chunk in store.table_chunks("tasks", ["id"], 2)]
    assert [len(chunk) for chunk in chunks] == [2, 1]
    assert await store.table_count("tasks") == 3
