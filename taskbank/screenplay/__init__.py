"""Screenplays as task sources: Fountain, Final Draft and PDF scripts cut into scene, page,
exchange or character-in-scene tasks with their provenance."""

from taskbank.screenplay.importer import (
    SCRIPT_FORMATS,
    ScriptImport,
    ScriptPlan,
    Skip,
    is_script,
    parse_script,
    plan_script_batch,
)
from taskbank.screenplay.units import UNITS, ScriptUnit, script_units

__all__ = [
    "SCRIPT_FORMATS",
    "UNITS",
    "ScriptImport",
    "ScriptPlan",
    "ScriptUnit",
    "Skip",
    "is_script",
    "parse_script",
    "plan_script_batch",
    "script_units",
]
