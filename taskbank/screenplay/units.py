"""Cutting parsed scripts into task units: scenes, pages, exchanges, or a character in a scene.

Each unit has a stable, readable external id (`pilot.fountain#s012`, `#p034`, `#s012-e03`,
`#s012-MARA`), so a revised draft imported again can be compared unit by unit, and provenance:
source file, scene number and heading, page range, characters present, line range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from taskbank.screenplay.layout import CONTINUED, excerpt_text
from taskbank.screenplay.model import Element, Scene, Script, scene_key

Unit = Literal["scene", "page", "exchange", "character-scene"]
UNITS: tuple[Unit, ...] = ("scene", "page", "exchange", "character-scene")
EXCERPT_BUDGET = 18_000  # of the 20,000 payload characters a task may hold; the rest is provenance
LONG_ACTION = 120  # characters of action that end an exchange (a short beat does not)
MAX_SPEAKER_IN_ID = 40  # of a character-scene id (pilot.fountain#s012-MARA), within its 200


@dataclass(frozen=True)
class ScriptUnit:
    """One future task: its id, excerpt, speaker (for character units) and provenance."""

    external_id: str
    excerpt: str
    scene_number: str
    heading: str
    pages: tuple[int, int]
    lines: tuple[int, int]
    characters: tuple[str, ...]
    source: str
    character: str | None = None
    has_dialogue: bool = True

    @property
    def provenance(self) -> str:
        """One line a writer and an export can read: file, scene, heading, pages, lines, cast."""
        first, last = self.pages
        pages = f"page {first}" if first == last else f"pages {first}–{last}"
        parts = [self.source]
        if self.scene_number:
            parts.append(f"scene {self.scene_number}")
        if self.heading:
            parts.append(self.heading)
        parts += [pages, f"lines {self.lines[0]}–{self.lines[1]}"]
        if self.characters:
            parts.append(", ".join(self.characters))
        return " · ".join(parts)


def script_units(script: Script, unit: Unit, budget: int = EXCERPT_BUDGET) -> list[ScriptUnit]:
    """The script's units of one kind, in script order."""
    if unit == "page":
        return _pages(script)
    units: list[ScriptUnit] = []
    for scene in script.scenes:
        if unit == "scene":
            units.extend(_scene_parts(script, scene, budget))
        elif unit == "exchange":
            for number, exchange in enumerate(exchanges(scene), 1):
                units.append(
                    _unit(
                        script, scene, exchange, f"{scene_id(scene)}-e{number:02d}", scene.heading
                    )
                )
        else:
            for character in scene.characters:
                for part in _scene_parts(script, scene, budget):
                    if character in part.characters:
                        units.append(_with_character(part, character))
    return units


def scene_id(scene: Scene) -> str:
    """`s012`, `s012A` for a numbered draft's inserted scene, `s000` before the first heading."""
    return scene.key or scene_key(scene.number)


def exchanges(scene: Scene) -> list[list[Element]]:
    """Runs of speeches in a scene; short action beats stay inside, longer action ends a run."""
    runs: list[list[Element]] = []
    current: list[Element] = []
    pending: list[Element] = []  # a short beat, kept only if the talk goes on
    for element in scene.elements:
        if element.kind in ("cue", "parenthetical", "dialogue"):
            if current:
                current.extend(pending)
            pending = []
            current.append(element)
        elif element.kind == "action" and len(element.text) <= LONG_ACTION and current:
            pending.append(element)
        else:
            if current:
                runs.append(current)
            current, pending = [], []
    if current:
        runs.append(current)
    return runs


def _scene_parts(script: Script, scene: Scene, budget: int) -> list[ScriptUnit]:
    """A scene as one unit, or split at exchange boundaries into parts `s012a`, `s012b`…"""
    whole = _unit(script, scene, scene.elements, scene_id(scene))
    if len(whole.excerpt) <= budget:
        return [whole]
    parts: list[list[Element]] = [[]]
    room = budget - 2 * len(scene.heading) - 40  # the part's (CONTINUED) lines
    for piece in _pieces(scene, room):
        if parts[-1] and len(excerpt_text(parts[-1] + piece)) > room:
            parts.append([])
        parts[-1].extend(piece)
    units = []
    for index, elements in enumerate(parts):
        suffix = chr(ord("a") + index) if index < 26 else f"-{index + 1}"
        units.append(
            _unit(
                script,
                scene,
                elements,
                f"{scene_id(scene)}{suffix}",
                lead=f"{scene.heading} {CONTINUED}" if index and scene.heading else None,
                continues=index + 1 < len(parts),
            )
        )
    return units


def _pieces(scene: Scene, budget: int) -> list[list[Element]]:
    """A scene cut where a split may fall: between exchanges, and between speeches inside an
    exchange too long for one part."""
    runs = {id(run[0]): run for run in exchanges(scene)}
    pieces: list[list[Element]] = []
    skip: set[int] = set()
    for element in scene.elements:
        if id(element) in skip:
            continue
        run = runs.get(id(element))
        if run is None:
            pieces.append([element])
            continue
        skip.update(id(e) for e in run)
        if len(excerpt_text(run)) <= budget:
            pieces.append(run)
            continue
        for item in run:
            if not pieces or (item.kind == "cue" and item.dual != "right") or item.kind == "action":
                pieces.append([item])
            else:
                pieces[-1].append(item)
    return pieces


def _unit(
    script: Script,
    scene: Scene,
    elements: list[Element],
    local_id: str,
    lead: str | None = None,
    continues: bool = False,
) -> ScriptUnit:
    """A unit of these elements; `lead` is a line set above them (the heading they belong to)."""
    text = excerpt_text(elements)
    if lead and elements and elements[0].kind != "heading":
        text = f"{lead}\n\n{text}"
    if continues:
        text += f"\n\n{' ' * 36}{CONTINUED}"
    return ScriptUnit(
        external_id=f"{script.source}#{local_id}",
        excerpt=text,
        scene_number=scene.number if scene.heading else "",
        heading=scene.heading,
        pages=(min(e.page for e in elements), max(e.page for e in elements)),
        lines=(min(e.line for e in elements), max(e.end_line for e in elements)),
        characters=tuple(dict.fromkeys(e.character for e in elements if e.character)),
        source=script.source,
        has_dialogue=any(e.kind == "dialogue" for e in elements),
    )


def _with_character(part: ScriptUnit, character: str) -> ScriptUnit:
    # Letters of any script stay (JOSÉ, АННА): only what is not a letter or digit becomes _.
    slug = re.sub(r"[^\w]+|_+", "_", character).strip("_") or "SPEAKER"
    slug = slug[:MAX_SPEAKER_IN_ID].rstrip("_")  # a cue of a thousand letters is still one id
    return ScriptUnit(
        **{**part.__dict__, "external_id": f"{part.external_id}-{slug}", "character": character}
    )


def _pages(script: Script) -> list[ScriptUnit]:
    by_page: dict[int, list[tuple[Scene, Element]]] = {}
    for scene in script.scenes:
        for element in scene.elements:
            by_page.setdefault(element.page, []).append((scene, element))
    units = []
    for page, items in sorted(by_page.items()):
        elements = [e for _, e in items]
        scenes = list(dict.fromkeys(id(s) for s, _ in items))
        first_scene = items[0][0]
        text = excerpt_text(elements)
        if elements[0].kind != "heading" and first_scene.heading:
            text = f"{first_scene.heading} {CONTINUED}\n\n{text}"
        numbers = [s.number for s, _ in items if s.heading]
        units.append(
            ScriptUnit(
                external_id=f"{script.source}#p{page:03d}",
                excerpt=text,
                scene_number="–".join(dict.fromkeys([numbers[0], numbers[-1]])) if numbers else "",
                heading=first_scene.heading if len(scenes) == 1 else "",
                pages=(page, page),
                lines=(min(e.line for e in elements), max(e.end_line for e in elements)),
                characters=tuple(dict.fromkeys(e.character for e in elements if e.character)),
                source=script.source,
                has_dialogue=any(e.kind == "dialogue" for e in elements),
            )
        )
    return units
