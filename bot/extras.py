"""Optional installs: which pip extra brings which feature, and the one line saying so when a
feature is used without it (`pip install 'taskbot[slack]'`)."""

from __future__ import annotations

# The modules each extra brings (pyproject.toml's [project.optional-dependencies]), and what
# a coordinator would call the feature that needs them.
EXTRA_MODULES: dict[str, tuple[str, str]] = {
    "slack_bolt": ("slack", "Slack"),
    "slack_sdk": ("slack", "Slack"),
    "discord": ("discord", "Discord"),
    "asyncpg": ("postgres", "PostgreSQL"),
    "matplotlib": ("charts", "tally charts"),
    "numpy": ("charts", "tally charts"),
}


class ExtraMissing(LookupError):
    """A feature was used whose optional dependencies are not installed."""


def install_hint(extra: str, feature: str, module: str | None = None) -> str:
    """The sentence naming the extra to install for a feature."""
    why = f" ({module} is not installed)" if module else ""
    return f"{feature} needs the '{extra}' extra{why}: pip install 'taskbot[{extra}]'"


def missing_extra(error: ModuleNotFoundError, feature: str | None = None) -> str | None:
    """The install hint for a module an extra brings, or None for any other missing module."""
    top = (error.name or "").split(".", 1)[0]
    if top not in EXTRA_MODULES:
        return None
    extra, known_feature = EXTRA_MODULES[top]
    return install_hint(extra, feature or known_feature, top)


def module_available(module: str) -> bool:
    """Whether a module can be imported (without importing it)."""
    from importlib.util import find_spec

    return find_spec(module) is not None
