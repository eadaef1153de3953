"""Failures of what Taskbot runs on (the database server, the file system, an optional install),
as one line naming what failed and what to do. The CLI prints that line and exits 1; the
traceback is shown only with `taskbot --debug`."""

from __future__ import annotations

import socket
import sqlite3
from urllib.parse import urlsplit

from bot.extras import missing_extra

# PostgreSQL's error codes for the mistakes a set-up makes, and what to do about each.
_POSTGRES_ADVICE = {
    "3D000": "create the database (createdb NAME) or fix [database] url",
    "3F000": "create the schema (CREATE SCHEMA name) or fix search_path in [database] url",
    "28P01": "check the user and password in [database] url",
    "28000": "check the user in [database] url and the server's pg_hba.conf",
    "42501": "grant the database user rights on the database and its schema",
}


class InfrastructureFailure(Exception):
    """Something Taskbot depends on failed; `str()` is one line for a person."""

    # Whether the traceback could tell more (not for an install missing, which the line says).
    traceback_helps = True


class InstallMissing(InfrastructureFailure):
    """A feature's optional dependencies are not installed; the line names the extra."""

    traceback_helps = False


def shown_url(url: str) -> str:
    """A database URL or path fit to print: any password is left out."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}@" if parts.username else ""
    return parts._replace(netloc=user + netloc).geturl()


def database_failure(error: BaseException, url: str) -> InfrastructureFailure | None:
    """The one line for an error met while opening the database, or None if it is no such error."""
    where = shown_url(url)
    postgres = url.startswith(("postgresql://", "postgres://"))
    if isinstance(error, ModuleNotFoundError):
        hint = missing_extra(error, "A PostgreSQL database" if postgres else None)
        return InstallMissing(hint) if hint else None
    if postgres:
        return _postgres_failure(error, where)
    if isinstance(error, (OSError, sqlite3.Error)):
        reason = getattr(error, "strerror", None) or str(error)
        return InfrastructureFailure(
            f"cannot open the SQLite database {where} ({reason}); check that its folder exists "
            "and is writable, or set [database] url in the configuration"
        )
    return None


def _postgres_failure(error: BaseException, where: str) -> InfrastructureFailure | None:
    host = urlsplit(where).hostname or "localhost"
    port = urlsplit(where).port or 5432
    if isinstance(error, ConnectionRefusedError):
        return InfrastructureFailure(
            f"no PostgreSQL server answers at {host}:{port} (connection refused); start the "
            "server, or fix [database] url in the configuration"
        )
    if isinstance(error, socket.gaierror):
        return InfrastructureFailure(
            f"cannot find the PostgreSQL host '{host}'; fix [database] url in the configuration"
        )
    if isinstance(error, TimeoutError):
        return InfrastructureFailure(
            f"the PostgreSQL server at {host}:{port} did not answer in time; check that it is "
            "up and reachable"
        )
    if isinstance(error, OSError):
        return InfrastructureFailure(
            f"cannot reach PostgreSQL at {host}:{port} ({error.strerror or error}); check "
            "[database] url"
        )
    if type(error).__module__.startswith("asyncpg"):
        code = getattr(error, "sqlstate", None) or ""
        advice = _POSTGRES_ADVICE.get(code, "check [database] url and the server's log")
        return InfrastructureFailure(f"PostgreSQL at {where} refused: {error}; {advice}")
    return None


def failure_while(error: BaseException, doing: str) -> InfrastructureFailure | None:
    """The one line for a database or file-system error met later on, or None."""
    if isinstance(error, ModuleNotFoundError):
        hint = missing_extra(error)
        return InstallMissing(hint) if hint else None
    if isinstance(error, sqlite3.Error) or type(error).__module__.startswith("asyncpg"):
        return InfrastructureFailure(f"the database failed while {doing}: {error}")
    if isinstance(error, OSError):
        target = f" ({error.filename})" if getattr(error, "filename", None) else ""
        return InfrastructureFailure(
            f"the system refused while {doing}{target}: {error.strerror or error}"
        )
    return None
