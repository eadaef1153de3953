"""Settings of the wrong type, in a batch file's `quality` object and in the TOML configuration:
refused naming the key and what it takes, never read as a near value (`true` as 1, "yes" as
true) nor reported under pydantic's union tags (`gold_rate.float`)."""

from __future__ import annotations

import pytest

from bot.config import load_config
from taskbank.batchfile import parse_batch_file
from taskbank.errors import ValidationFailed
from tests.batches import header, jsonl, tone_task


def refusal(quality: dict) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        parse_batch_file(jsonl(header(quality=quality), [tone_task(1)]), "q.jsonl")
    return [f"{p.location}: {p.field}: {p.message}" for p in refused.value.problems]


@pytest.mark.parametrize("value", ["yes", "off", 1, 0])
def test_training_that_is_not_true_or_false_is_refused(value):
    qualification = {"gold_tasks": 2, "min_accuracy": 0.5, "training": value}
    assert refusal({"qualification": qualification}) == [
        "q.jsonl:1: batch.quality.qualification.training: expected true or false"
    ]


@pytest.mark.parametrize(
    ("quality", "field"),
    [
        ({"gold_rate": "0.1"}, "batch.quality.gold_rate"),
        ({"gold_rate": True}, "batch.quality.gold_rate"),
        ({"min_confidence": [0.5]}, "batch.quality.min_confidence"),
        ({"pause": {"window": 3, "min_accuracy": True}}, "batch.quality.pause.min_accuracy"),
        (
            {"qualification": {"gold_tasks": 2, "min_accuracy": "high"}},
            "batch.quality.qualification.min_accuracy",
        ),
    ],
)
def test_a_share_that_is_not_a_number_is_one_problem_at_its_own_key(quality, field):
    assert refusal(quality) == [f"q.jsonl:1: {field}: expected a number"]


def test_whole_numbers_still_count_as_shares():
    batch = parse_batch_file(
        jsonl(
            header(quality={"gold_rate": 0, "pause": {"window": 3, "min_accuracy": 1}}),
            [tone_task(1)],
        ),
        "q.jsonl",
    )
    assert batch.settings.quality.gold_rate == 0
    assert batch.settings.quality.pause.min_accuracy == 1


def config_refusal(tmp_path, text: str) -> list[str]:
    path = tmp_path / "taskbot.toml"
    path.write_text(text)
    with pytest.raises(ValidationFailed) as refused:
        load_config(path)
    return [f"{p.field}: {p.message}" for p in refused.value.problems]


WHOLE = "expected a whole number (money and counts are whole numbers: cents, not dollars)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[defaults]\noverlap = true\n", f"defaults.overlap: {WHOLE}"),
        ("[defaults]\nlease_minutes = 30.0\n", f"defaults.lease_minutes: {WHOLE}"),
        ("[review]\nsample_size = true\n", f"review.sample_size: {WHOLE}"),
        ("[fair_work]\nappeal_days = false\n", f"fair_work.appeal_days: {WHOLE}"),
        ("[schedule]\nenabled = 1\n", "schedule.enabled: expected true or false"),
        ('[schedule]\ntally_chart = "yes"\n', "schedule.tally_chart: expected true or false"),
        ("[slack]\nport = 3000.0\n", f"slack.port: {WHOLE}"),
        ("[discord]\nshard_id = true\nshard_count = 2\n", f"discord.shard_id: {WHOLE}"),
        (
            "[discord]\ndirect_messages_per_second = nan\n",
            "discord.direct_messages_per_second: expected a finite number, not nan or inf",
        ),
        (
            "[quality]\ngold_rate = nan\n",
            "quality.gold_rate: expected a finite number, not nan or inf",
        ),
        ("[quality]\ngold_rate = 1979-05-27\n", "quality.gold_rate: expected a number"),
        (
            '[quality]\nqualification = { gold_tasks = 5, min_accuracy = 0.8, training = "yes" }\n',
            "quality.qualification.training: expected true or false",
        ),
    ],
)
def test_a_configuration_value_of_the_wrong_type_is_refused_at_its_key(tmp_path, text, expected):
    assert config_refusal(tmp_path, text) == [expected]


def test_the_configuration_types_toml_gives_are_still_accepted(tmp_path):
    path = tmp_path / "taskbot.toml"
    path.write_text(
        "[chat]\nshutdown_grace_seconds = 5\n[discord]\ndirect_messages_per_second = 5\n"
        "[quality]\ngold_rate = 0\nqualification = { gold_tasks = 5, min_accuracy = 1 }\n"
        "[schedule]\nenabled = false\n"
    )
    config = load_config(path)
    assert config.chat.shutdown_grace_seconds == 5 and config.quality.gold_rate == 0
    assert config.schedule.enabled is False
