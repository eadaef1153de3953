"""Optional installs: a feature used without its extra names the extra to install."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from bot.extras import ExtraMissing, install_hint, missing_extra
from bot.failures import database_failure
from bot.runtime import load_entry_point


def test_a_missing_driver_names_its_extra():
    error = ModuleNotFoundError("No module named 'asyncpg'", name="asyncpg")
    failure = database_failure(error, "postgresql://127.0.0.1/test")
    assert str(failure) == (
        "A PostgreSQL database needs the 'postgres' extra (asyncpg is not installed): "
        "pip install 'taskbot[postgres]'"
    )


def test_a_missing_chart_library_names_the_charts_extra():
    error = ModuleNotFoundError("No module named 'matplotlib.pyplot'", name="matplotlib.pyplot")
    assert missing_extra(error) == install_hint("charts", "tally charts", "matplotlib")


def test_a_module_no_extra_brings_is_not_explained_as_one():
    assert missing_extra(ModuleNotFoundError("x", name="no_such_module")) is None


@pytest.mark.parametrize("adapter", ["slack", "discord"])
def test_each_chat_names_the_extra_it_needs(adapter):
    (point,) = [p for p in entry_points(group="taskbot.adapters") if p.name == adapter]
    assert point.extras == [adapter]


def test_an_entry_point_whose_import_fails_names_its_extra():
    (point,) = [p for p in entry_points(group="taskbot.adapters") if p.name == "slack"]
    broken = type(point)("slack", "no_such_package_for_taskbot.runner:run [slack]", point.group)
    with pytest.raises(ExtraMissing) as raised:
        load_entry_point(broken, "the slack chat")
    assert str(raised.value) == (
        "The slack chat needs the 'slack' extra (no_such_package_for_taskbot is not installed): "
        "pip install 'taskbot[slack]'"
    )
