"""/earnings export on both stores: the writer's own record as a CSV, sent to them alone."""

from __future__ import annotations

import csv
import io

from taskbank.models import LedgerKind, Verdict
from tests.batches import tone_batch
from tests.fairwork.conftest import WENDY, command
from tests.fairwork.ledger import REVIEWER, WRITER, hold


async def test_the_record_holds_every_answer_verdict_reason_and_bonus(taskbot, chat, bank):
    await bank.import_batch(tone_batch(3, pay_cents=40), filename="b.jsonl")
    approved = await hold(bank, 4, "submit")
    rejected = await hold(bank, 6, "submit")
    await hold(bank, 2, "submit", writer="test:otto")  # someone else's work is not in it
    await bank.record_review(approved, REVIEWER, Verdict.APPROVED)
    await bank.record_review(rejected, REVIEWER, Verdict.REJECTED, "=HYPERLINK() is not a tone")
    await bank.add_ledger_entry(WRITER, LedgerKind.BONUS, 75, "quick turnaround")
    await taskbot.handle(command(WENDY, "earnings", "export"))
    sent = chat.last("upload")
    assert sent.to == WRITER and sent.upload.filename == "my-taskbot-record.csv"
    rows = list(csv.DictReader(io.StringIO(sent.upload.content.decode())))
    assert [(r["kind"], r["status"], r["paid_cents"]) for r in rows] == [
        ("answer", "approved", "40"),
        ("answer", "rejected", "0"),
        ("bonus", "", "75"),
    ]
    assert rows[1]["seconds_on_task"] == "360" and rows[1]["task"] == "t-0002"
    assert rows[1]["reason"] == "'=HYPERLINK() is not a tone"  # never run as a formula
    assert rows[2]["reason"] == "quick turnaround"
