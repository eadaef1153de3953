"""Configuration: a TOML file (default `taskbot.toml`) checked by pydantic; secrets from the environment.

A bad file is refused with the line, the key and what was expected. `config.example.toml`
documents every key.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
)

from bot.fairwork_config import FairWorkConfig
from bot.roles import Roles
from bot.tomllines import TomlLines
from taskbank.batchsettings import QualitySettings
from taskbank.batchtext import file_problem
from taskbank.errors import Problem, ValidationFailed
from taskbank.plainerrors import pydantic_problems
from taskbank.safejson import text_problem
from taskbank.service import Defaults

DEFAULT_CONFIG_FILE = Path("taskbot.toml")
SETTINGS_GROUP = "taskbot.settings"

log = logging.getLogger("bot.config")


@cache
def _zone_names() -> frozenset[str]:
    """The zone database's names, read once a process (a walk of its folder: about 5 ms)."""
    return frozenset(available_timezones())


def default_data_dir() -> Path:
    """Where Taskbot keeps its local database: $XDG_DATA_HOME/taskbot or ~/.local/share/taskbot."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "taskbot"


class _Section(BaseModel):
    # TOML reads `nan` and `inf` as floats: no setting means either. TOML's values are typed, so
    # they are taken strictly: `overlap = true` or `enabled = "yes"` is a mistake, not a 1 or a yes.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_BRACKETED_HOST = re.compile(r"\[[^\[\]/]+\](?::(?P<port>.*))?")


def database_url_problem(url: str) -> str | None:
    """What is wrong with a database URL's parts, or None: a path, sqlite:///path, or
    postgresql://[user@]host[:port][,host[:port]…]/db with ports 1 to 65535 (checked here, as
    the driver would otherwise fail later with a bare ValueError). A path holds no control
    characters (a NUL stops the operating system's open with a traceback) and is not empty."""
    if not url.removeprefix("sqlite:///").strip():
        return "is empty; expected a SQLite file path, sqlite:///path or postgresql://…"
    problem = text_problem(url, one_line=True)
    if problem is not None:
        return problem
    if "://" not in url or url.startswith("sqlite:///"):
        return None
    if not url.startswith(POSTGRES_SCHEMES):
        scheme = url.split("://", 1)[0]
        return f"unsupported scheme '{scheme}'; expected a path, sqlite:///path or postgresql://…"
    hosts = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    ports: list[str] = []
    for host in hosts.split(",") if hosts else []:
        if host.startswith("["):
            bracketed = _BRACKETED_HOST.fullmatch(host)
            if bracketed is None:
                return f"host '{host}' is not an IPv6 address in brackets, such as [::1]"
            ports.append(bracketed["port"] or "")
        elif not host:
            return f"empty host in the host list '{hosts}'"
        elif "[" in host or "]" in host:
            return f"host '{host}' has a bracket; an IPv6 address goes in brackets, such as [::1]"
        else:
            ports.append(host.partition(":")[2])
    query = parse_qs(url.split("?", 1)[1]) if "?" in url else {}
    ports += [p for value in query.get("port", []) for p in value.split(",")]
    for port in ports:
        if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
            return f"port '{port}' is not a port number; expected 1 to 65535"
    return None


class DatabaseConfig(_Section):
    """Where the data lives."""

    url: str = Field(
        default_factory=lambda: str(default_data_dir() / "taskbot.db"),
        description="A SQLite file path, sqlite:///path or postgresql://… URL.",
    )
    synchronous: Literal["normal", "full", "extra"] = "full"
    # SQLite only: where `taskbot run` and `taskbot demo` write — "auto" (the writer thread for
    # a write or two at a time, the writer process for many: see auto_writer.py), "thread" (in
    # the bot's own process) or "process" (a writer process of its own, whose SQL runs beside
    # the event loop). One-shot commands always use the thread: they write little and start faster.
    writer: Literal["auto", "thread", "process"] = "auto"

    @field_validator("url")
    @classmethod
    def _well_formed_url(cls, value: str) -> str:
        problem = database_url_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class TaskDefaults(_Section):
    """What a batch gets when its file leaves a setting out."""

    overlap: int = Field(default=1, ge=1, le=50)
    lease_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    max_active_per_writer: int = Field(default=1, ge=1, le=100)
    max_import_mb: int = Field(default=50, ge=1, le=1024)


class LocaleConfig(_Section):
    """How money and times are shown."""

    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    time_zone: str = "UTC"

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Only the database's own zone names: zoneinfo also opens any file under its folders, such
        # as 'right/Europe/London' (leap-second time: BST in December), 'posixrules' or
        # 'localtime' (whatever the host is set to), which would show other hours than promised.
        try:
            ZoneInfo(value)
            known = value in _zone_names() and value != "localtime"
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a long name
            known = False
        if not known:
            raise ValueError(
                f"unknown time zone '{value}'; expected an IANA name like 'Europe/London'"
            )
        return value


_ROLE_ENTRY = r"^(\*|[a-z]+:[^:\s]+|[a-z]+:role:[^:\s]+)$"


class RolesConfig(_Section):
    """Who may do what: '*' (everyone), 'platform:user_id' or 'platform:role:role_id'."""

    writers: list[Annotated[str, Field(pattern=_ROLE_ENTRY)]] = Field(default_factory=lambda: ["*"])
    reviewers: list[Annotated[str, Field(pattern=_ROLE_ENTRY)]] = Field(default_factory=list)
    coordinators: list[Annotated[str, Field(pattern=_ROLE_ENTRY)]] = Field(default_factory=list)

    def roles(self) -> Roles:
        """As the bot's Roles."""
        return Roles(tuple(self.writers), tuple(self.reviewers), tuple(self.coordinators))


class ReviewConfig(_Section):
    """How reviews are sampled on demand (`/review` when nothing is waiting)."""

    sample_size: int = Field(default=5, ge=1, le=100)


class ConsoleConfig(_Section):
    """The terminal chat."""

    user: str = Field(
        default="writer", pattern=r"^[A-Za-z0-9_.-]{1,40}$", description="Who you are at start."
    )
    review_channel: str = "reviews"
    coordinator_channel: str = "coordinators"


class ScheduleConfig(_Section):
    """The scheduler's jobs inside `taskbot run`; times are in the locale's time zone."""

    enabled: bool = True
    tally_cron: str = Field(
        default="0 9 * * mon", description="When the pay tally is posted (crontab)."
    )
    tally_period: Literal["day", "week", "month"] = "week"
    tally_pseudonyms: bool = False
    tally_chart: bool = True
    catch_up_periods: int = Field(default=8, ge=1, le=52)
    qa_every_minutes: int = Field(default=30, ge=1, le=24 * 60)
    qa_max_per_run: int = Field(default=20, ge=1, le=500)
    auto_approve_hours: int = Field(default=72, ge=1, le=24 * 60)
    auto_approve_every_minutes: int = Field(default=10, ge=1, le=24 * 60)
    lease_sweep_every_seconds: int = Field(default=60, ge=5, le=3600)
    leader_retry_seconds: int = Field(default=30, ge=1, le=300)

    @field_validator("tally_cron")
    @classmethod
    def _crontab(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(
                f"not a crontab expression ({error}); expected e.g. '0 9 * * mon'"
            ) from None
        return value


class ChatConfig(_Section):
    """Which chats `taskbot run` serves."""

    adapters: list[str] = Field(default_factory=lambda: ["console"], min_length=1)
    # On SIGTERM or SIGINT, how long acknowledged work may take to finish before the process ends.
    shutdown_grace_seconds: float = Field(20, ge=0, le=3600)


class CoreConfig(_Section):
    """The configuration's own sections; `Config` adds each installed adapter's section."""

    chat: ChatConfig = Field(default_factory=ChatConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    defaults: TaskDefaults = Field(default_factory=TaskDefaults)
    locale: LocaleConfig = Field(default_factory=LocaleConfig)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    # Gold rate, qualification and pausing for batches whose file leaves them out: the same
    # keys as a batch file's `quality` object.
    quality: QualitySettings = Field(default_factory=QualitySettings)
    fair_work: FairWorkConfig = Field(default_factory=FairWorkConfig)

    def bank_defaults(self) -> Defaults:
        """The TaskBank defaults this configuration sets."""
        return Defaults(
            overlap=self.defaults.overlap,
            lease_minutes=self.defaults.lease_minutes,
            max_active_per_writer=self.defaults.max_active_per_writer,
            max_import_bytes=self.defaults.max_import_mb * 1024 * 1024,
            quality=self.quality,
        )


def platform_settings() -> dict[str, type[BaseModel]]:
    """Each installed adapter's settings model, by the name of its table (`[slack]`, …)."""
    return {point.name: point.load() for point in entry_points(group=SETTINGS_GROUP)}


# The whole configuration: the core sections, and one table per installed adapter, validated by
# that adapter's own model (so a new platform brings its settings without editing bot/).
Config = create_model(
    "Config",
    __base__=CoreConfig,
    __doc__="The whole configuration.",
    **{
        name: (model, Field(default_factory=model))
        for name, model in sorted(platform_settings().items())
    },
)


MAX_CONFIG_BYTES = 1_000_000  # a configuration file is a page or two; more is not one


def _read_toml(path: Path) -> tuple[dict, str]:
    """A configuration file's TOML and its text (a UTF-8 byte-order mark allowed), or a located
    refusal; read as every file people name is (a regular file only, never past its limit)."""
    data = file_problem(path, MAX_CONFIG_BYTES, str(path), "a configuration file")
    if isinstance(data, Problem):
        raise ValidationFailed([data])
    try:
        text = data.decode("utf-8-sig")
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed([Problem("toml", str(error), str(path))]) from None
    except UnicodeDecodeError:
        raise ValidationFailed([Problem("encoding", "expected a UTF-8 file", str(path))]) from None
    except RecursionError:
        raise ValidationFailed([Problem("toml", "nested too deeply to read", str(path))]) from None


def load_config(path: Path | None = None) -> Config:
    """Read and check a configuration file; with no file, the defaults (and the environment)."""
    # A file named (--config, or TASKBOT_CONFIG set and not empty) must exist: a mistyped name
    # must not start Taskbot on the defaults. Only the default file may be absent.
    named = os.environ.get("TASKBOT_CONFIG") or None
    explicit = path is not None or named is not None
    path = path or Path(named or DEFAULT_CONFIG_FILE)
    if not path.exists():
        if explicit:
            raise ValidationFailed([Problem("file", "does not exist", str(path))])
        data, text = {}, ""
    else:
        data, text = _read_toml(path)
    database_url = os.environ.get("TASKBOT_DATABASE_URL")
    if database_url:
        if (problem := database_url_problem(database_url)) is not None:
            raise ValidationFailed([Problem("TASKBOT_DATABASE_URL", problem, "environment")])
        database = data.setdefault("database", {})
        if isinstance(database, dict):  # else `database = 5` is refused at its line below
            database["url"] = database_url
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        # Each problem at the line its key (or table) is written; the environment's URL was
        # checked above, so every line found here is the file's.
        try:
            lines = TomlLines(text).line_of
        except Exception:  # a scanner's slip must not hide the problems: name them without lines
            log.exception("could not place the configuration's problems on their lines")
            lines = _no_line
        problems = pydantic_problems(error, str(path), model=Config, line_of=lines)
        raise ValidationFailed(problems, summary=f"{path}: bad configuration") from None


def _no_line(path: object) -> None:
    return None
