"""Fair work end to end on Slack (signed HTTP into the bolt app, the fake Web API behind it): a
❌ with a reason reaches the writer privately; their /appeal reaches the coordinator, whose
/appeal uphold pays with one new ledger entry; /earnings shows both rates; /bonus pays and tells."""

from __future__ import annotations

from tests.batches import TONE_ANSWER, tone_batch
from tests.fairwork.ledger import has_worked, ledger_sum
from tests.slack.conftest import COORDINATOR, REVIEWER, WRITER
from tests.slack.test_slack_review import open_reason_modal
from tests.slack_driver import text_of


async def submitted(ws, minutes: int = 6) -> int:
    writer = f"slack:{WRITER}"
    await ws.bank.import_batch(tone_batch(1, review_rate=1.0), filename="tone.jsonl")
    claimed = await ws.bank.claim(writer)
    ws.bank.clock.advance(minutes=minutes)
    return (await ws.bank.submit(claimed.assignment.id, writer, TONE_ANSWER, "k1")).submission.id


async def rejected_on_slack(ws, app) -> int:
    submission = await submitted(ws)
    _, modal = await open_reason_modal(ws, app.bot, submission)
    await ws.submit(REVIEWER, modal, {"reason": "The genre is comedy, not noir."})
    return submission


async def test_a_rejection_an_appeal_and_its_payment_on_slack(workspace, slack_app):
    ws = workspace
    submission = await rejected_on_slack(ws, slack_app)
    notice = await ws.new_card(WRITER, 0)
    assert notice.channel == "D" + WRITER[1:]  # privately, in the app's DM
    assert "Reason: The genre is comedy, not noir." in text_of(notice)
    assert f"/appeal {submission}" in text_of(notice)

    before = await ledger_sum(ws.bank)
    await ws.command(WRITER, "/appeal", f"{submission} the bickering is noir banter")
    filed = await ws.new_card(WRITER, 1)
    assert "Appeal 1 filed" in text_of(filed)
    case = await ws.new_card(COORDINATOR, 0)
    assert case.channel == "D" + COORDINATOR[1:]
    assert "The writer's appeal: the bickering is noir banter" in text_of(case)
    assert ws.visible_to(REVIEWER)[1:] == []  # the reviewer who rejected gets no appeal card

    await ws.command(COORDINATOR, "/appeal", "uphold 1")
    upheld = await ws.new_card(WRITER, 2)
    assert "Appeal upheld" in text_of(upheld) and "$0.40 is paid" in text_of(upheld)
    count, total, rows = await ledger_sum(ws.bank)
    assert (count, total, rows[: before[0]]) == (before[0] + 1, before[1] + 40, before[2])

    await ws.command(WRITER, "/earnings")
    earnings = await ws.new_card(WRITER, 3)
    assert "$4.00/h on approved work; $4.00/h counting everything" in text_of(earnings)


async def test_a_bonus_on_slack_names_the_writer_by_mention(workspace):
    ws = workspace
    await has_worked(ws.bank, f"slack:{WRITER}")
    await ws.command(COORDINATOR, "/bonus", f"<@{WRITER}|rita> 3 sharp dialogue notes")
    told = await ws.new_card(WRITER, 0)
    assert "A bonus of $3.00" in text_of(told) and "sharp dialogue notes" in text_of(told)
    assert (await ledger_sum(ws.bank))[:2] == (1, 300)


async def test_bonus_text_arrives_escaped_and_is_read_as_typed(workspace):
    # The manifest escapes /bonus (it names a person): Slack sends the mention as <@U…|name>
    # and &, <, > as entities; the reason is stored as the coordinator typed it.
    from adapters.slack.manifest import slash_commands

    (bonus,) = [c for c in slash_commands("https://x/slack/events") if c["command"] == "/bonus"]
    assert bonus["should_escape"] is True
    ws = workspace
    await has_worked(ws.bank, f"slack:{WRITER}")
    await ws.command(COORDINATOR, "/bonus", f"<@{WRITER}|rita> 3 notes &amp; fixes &lt;3")
    await ws.new_card(WRITER, 0)
    (entry,) = await ws.bank.store.ledger_entries(f"slack:{WRITER}")
    assert entry.note.startswith("notes & fixes <3 (granted by")


def home_opened(user: str) -> dict:
    return {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home"}


async def open_home(ws, user: str, event_id: str) -> str:
    from tests.slack_fake import BOT_USER
    from tests.slack_fake.payloads import event_callback

    status, _ = await ws.send(
        event_callback(home_opened(user), event_id, BOT_USER), "application/json"
    )
    assert status == 200
    view = await ws.wait_for(lambda: ws.fake.homes.get(user), f"{user}'s home view")
    return "\n".join(
        block["text"]["text"] for block in view["blocks"] if isinstance(block.get("text"), dict)
    )


async def test_the_app_home_shows_a_writer_their_rates_waiting_pay_and_open_work(workspace):
    ws = workspace
    await submitted(ws)  # 6 minutes on a 40c task, pending
    text = await open_home(ws, WRITER, "Ev0HOMEW")
    assert "no approved work yet; $4.00/h counting everything 🔴 red" in text
    assert "t-0001: $0.40, approved by" in text
    assert "Open work (claim with /work):" in text
    assert "Your open batches" not in text  # writers see their own figures only


async def test_the_app_home_shows_a_coordinator_their_batches_and_appeals(workspace):
    ws = workspace
    await submitted(ws)
    text = await open_home(ws, COORDINATOR, "Ev0HOMEC")
    assert "1 tone-1: 1 of 1 answers · pay: 1 timed answer so far" in text
    assert "Appeals waiting for a decision: 0" in text
