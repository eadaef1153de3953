"""An upload over the size Discord takes from the bot there (413, with code 40005 when Discord
itself answers): the coordinator who asked for an export is told it is too large and how to get
the file, not Discord's raw error."""

from __future__ import annotations

import pytest

from tests.discord.test_discord_audit_closed_dms import _answered_by, _writers


@pytest.mark.parametrize(
    "body", [{"code": 40005, "message": "Request entity too large"}, "<html>413</html>"]
)
async def test_an_export_over_discords_upload_limit_says_how_to_get_it(room, body):
    await _answered_by(room, _writers(1))
    direct = room.fake.open_dm(room.coordinator.id)
    room.fake.answer_next("POST", f"/channels/{direct}/messages$", body, status=413)
    answered = await room.server.command(
        room.coordinator, "batch", {"batch": 1, "format": "jsonl"}, sub="export"
    )
    shown = room.server.text(room.server.answer(answered))
    # Before: "Discord refused that: Discord said: 413 Payload Too Large (error code: 40005)…"
    assert "Discord said" not in shown, shown
    assert "larger than Discord lets Taskbot upload" in shown, shown
    assert "taskbot batch export" in shown, shown
