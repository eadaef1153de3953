"""Round 3: `taskbot batch quality` bounds --resamples (at most 100,000, exit 2), and checks
--chart before it computes or prints anything: a folder, a missing folder or an unwritable
place is one line naming the chart, exit 1, as `batch export -o` is."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.quality.test_surfaces import cli_batch, config  # noqa: F401  (fixtures)


def quality(config, batch_id, *extra: str):  # noqa: F811
    return CliRunner().invoke(
        app, ["batch", "quality", str(batch_id), "--config", str(config), *extra]
    )


def test_resamples_past_the_bound_are_refused_at_once(config, cli_batch):  # noqa: F811
    result = quality(config, cli_batch, "--resamples", "99999999999")
    assert result.exit_code == 2
    assert "--resamples" in result.output and "100000" in result.output
    assert "answers on" not in result.output  # nothing was computed


def test_resamples_at_the_bound_still_run(config, cli_batch):  # noqa: F811
    result = quality(config, cli_batch, "--resamples", "100000")
    assert result.exit_code == 0, result.output


def test_the_help_states_the_bound():
    result = CliRunner().invoke(app, ["batch", "quality", "--help"], env={"COLUMNS": "200"})
    assert "100,000" in result.output


@pytest.mark.parametrize(
    ("where", "why"),
    [
        (lambda tmp: tmp, "it is a folder"),
        (lambda tmp: tmp / "nonexist" / "x.png", "does not exist"),
    ],
)
def test_an_unwritable_chart_is_refused_before_the_report(
    config,  # noqa: F811
    cli_batch,  # noqa: F811
    tmp_path,
    where,
    why,
):
    result = quality(config, cli_batch, "--resamples", "10", "--chart", str(where(tmp_path)))
    assert result.exit_code == 1, result.output
    assert "answers on" not in result.output  # refused before the report was computed
    assert "cannot write the chart to" in result.output and why in result.output
    assert "export" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
