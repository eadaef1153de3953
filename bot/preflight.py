"""What `taskbot run` checks before it serves anything, in the one function `taskbot config
check` runs too: each chat named is installed (with its extra), and brings its own checks
(its channels set, its secrets in the environment). Every problem is reported at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import entry_points

from bot.config import Config
from bot.extras import module_available
from bot.runtime import AdapterRunner, load_adapter
from taskbank.errors import Problem, ValidationFailed

# Each adapter's checks, registered by name beside the adapter (pyproject.toml): a function of
# the configuration and the environment returning the problems it finds.
CHECK_GROUP = "taskbot.checks"
AdapterCheck = Callable[[Config, Mapping[str, str]], list[Problem]]


def run_problems(
    config: Config,
    names: Iterable[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[AdapterRunner], list[Problem]]:
    """The runners of the chats named (the configured ones by default), and every problem that
    would stop `taskbot run` before it serves."""
    names = list(config.chat.adapters if names is None else names)
    environ = os.environ if environ is None else environ
    checks = {point.name: point for point in entry_points(group=CHECK_GROUP)}
    runners: list[AdapterRunner] = []
    problems: list[Problem] = []
    for name in dict.fromkeys(names):
        try:
            runners.append(load_adapter(name))
        except LookupError as missing:
            problems.append(Problem("chat.adapters", str(missing), "configuration"))
            continue
        if name in checks:
            check: AdapterCheck = checks[name].load()
            problems.extend(check(config, environ))
    return runners, problems


def checked_runners(
    config: Config,
    names: Iterable[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[AdapterRunner]:
    """The runners of the chats to serve, or ValidationFailed listing every problem."""
    runners, problems = run_problems(config, names, environ)
    if problems:
        raise ValidationFailed(
            problems,
            summary=f"the configuration cannot run ({_count(len(problems))}); nothing was started",
        )
    return runners


def notes(config: Config) -> list[str]:
    """What will work differently from the configuration, without stopping `taskbot run`."""
    found = []
    if (
        config.schedule.enabled
        and config.schedule.tally_chart
        and not module_available("matplotlib")
    ):
        found.append(
            "schedule.tally_chart: tallies are posted without their chart until the 'charts' "
            "extra is installed: pip install 'taskbot[charts]'"
        )
    return found


def _count(number: int) -> str:
    return "1 problem" if number == 1 else f"{number} problems"
