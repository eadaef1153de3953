"""Built-in templates: the field's recurring kinds of work, each a named set of questions.

A template says what a task's payload must hold and what the writer is asked. Its version is
stored with every batch and exported with every answer, so a changed template never blurs old data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from taskbank.answer_text import measure as measure_visible
from taskbank.questions import (
    LabelQuestion,
    LabelsQuestion,
    RankingQuestion,
    RatingQuestion,
    RewriteQuestion,
    TextQuestion,
    _Question,
)
from taskbank.safejson import measure

PayloadKind = Literal["text", "text list"]


@dataclass(frozen=True)
class Template:
    """A named, versioned set of questions with instructions and the payload fields it needs."""

    name: str
    version: int
    title: str
    instructions: str
    payload_fields: Mapping[str, PayloadKind]
    questions: Sequence[_Question]

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        """Every way a task's payload falls short of this template."""
        return payload_problems(self.payload_fields, self.questions, payload)


# A task is shown whole on one chat card: Slack's 50 blocks of 3,000 characters, Discord's
# embeds plus an attached file. These bounds keep every imported task inside them; text is
# counted at any depth, so nesting it in objects or lists does not escape the limit.
MAX_PAYLOAD_FIELDS = 20
MAX_PAYLOAD_CHARS = 20_000
MAX_PAYLOAD_DEPTH = 8
MAX_PAYLOAD_ITEMS = 1_000
# Places in one task's answer form (a text answer is one, a ranking one per option): Slack's modal
# holds 100 blocks, and an input with a problem beside it takes two.
MAX_FORM_PLACES = 40


def payload_problems(
    fields: Mapping[str, PayloadKind], questions: Sequence[_Question], payload: Mapping[str, Any]
) -> list[str]:
    """Missing or mistyped payload fields, then what each question needs from the payload."""
    problems: list[str] = []
    shapes = [measure(value) for value in payload.values()]
    text = sum(shape.chars for shape in shapes)
    depth = 1 + max((shape.depth for shape in shapes), default=0)
    items = len(payload) + sum(shape.items for shape in shapes)
    if len(payload) > MAX_PAYLOAD_FIELDS:
        problems.append(
            f"payload: {len(payload)} fields; at most {MAX_PAYLOAD_FIELDS} fit on one chat card"
        )
    if text > MAX_PAYLOAD_CHARS:
        problems.append(
            f"payload: {text:,} characters of text; at most {MAX_PAYLOAD_CHARS:,} fit on one chat card"
            " (split the excerpt across several tasks)"
        )
    if depth > MAX_PAYLOAD_DEPTH:
        problems.append(
            f"payload: nested {depth} levels deep; at most {MAX_PAYLOAD_DEPTH} are accepted"
        )
    if items > MAX_PAYLOAD_ITEMS:
        problems.append(
            f"payload: {items:,} values in all; at most {MAX_PAYLOAD_ITEMS:,} fit on one chat card"
        )
    for name, kind in fields.items():
        value = payload.get(name)
        if kind == "text" and (not isinstance(value, str) or visible_length(value) == 0):
            problems.append(f"payload.{name}: expected non-empty text")
        if kind == "text list" and (
            not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value)
        ):
            problems.append(f"payload.{name}: expected a list of strings")
    for question in questions:
        problems.extend(p for p in question.payload_problems(payload) if p not in problems)
    if not problems:
        places = sum(question.form_places(payload) for question in questions)
        if places > MAX_FORM_PLACES:
            problems.append(
                f"questions: the answer form would hold {places} places (a text answer is one, a"
                f" ranking one per option); at most {MAX_FORM_PLACES} fit one chat form. Rank"
                " fewer options, or split the questions across batches"
            )
    return problems


_TONES = ["tense", "warm", "comic", "melancholy", "menacing", "romantic", "wry", "detached"]
_GENRES = ["drama", "comedy", "thriller", "horror", "romance", "science fiction", "western", "noir"]
_EMOTIONS = ["joy", "hope", "calm", "anger", "fear", "grief", "shame", "longing", "surprise"]
_MOTIVES = [
    "love",
    "revenge",
    "survival",
    "ambition",
    "duty",
    "fear",
    "belonging",
    "redemption",
    "greed",
]
_BIASES = [
    "gender stereotype",
    "racial or ethnic stereotype",
    "age stereotype",
    "disability stereotype",
    "class stereotype",
    "religious stereotype",
    "sexual orientation stereotype",
]

BUILTIN_TEMPLATES: dict[str, Template] = {
    template.name: template
    for template in [
        Template(
            name="dialogue_tone",
            version=1,
            title="Tone, genre and pacing of a dialogue",
            instructions="Read the excerpt. Label its dominant tone, the genre(s) it reads as, and its pacing.",
            payload_fields={"excerpt": "text"},
            questions=[
                LabelQuestion(id="tone", prompt="Dominant tone", options=_TONES),
                LabelsQuestion(
                    id="genre", prompt="Genre (one or two)", options=_GENRES, max_count=2
                ),
                RatingQuestion(id="pacing", prompt="Pacing", min_label="slow", max_label="fast"),
            ],
        ),
        Template(
            name="plot_beat",
            version=1,
            title="Plot progression beat",
            instructions="Which beat of the story does this scene play? How high are the stakes?",
            payload_fields={"excerpt": "text"},
            questions=[
                LabelQuestion(
                    id="beat",
                    prompt="Story beat",
                    options=[
                        "setup",
                        "inciting incident",
                        "rising action",
                        "midpoint",
                        "crisis",
                        "climax",
                        "resolution",
                    ],
                ),
                RatingQuestion(
                    id="stakes", prompt="Stakes", min_label="low", max_label="life or death"
                ),
            ],
        ),
        Template(
            name="character_motivation",
            version=1,
            title="Character motivation and relationship dynamic",
            instructions="Tag what drives the named character in this excerpt and how they relate to the other.",
            payload_fields={"excerpt": "text", "character": "text"},
            questions=[
                LabelsQuestion(
                    id="motivation",
                    prompt="What drives them (one or two)",
                    options=_MOTIVES,
                    max_count=2,
                ),
                LabelQuestion(
                    id="relationship",
                    prompt="Relationship to the other character",
                    options=[
                        "allies",
                        "rivals",
                        "mentor and student",
                        "lovers",
                        "family",
                        "strangers",
                        "adversaries",
                    ],
                ),
                TextQuestion(
                    id="evidence",
                    prompt="The line that shows it (optional)",
                    required=False,
                    max_chars=500,
                ),
            ],
        ),
        Template(
            name="emotional_arc",
            version=1,
            title="Emotional arc of a scene",
            instructions="Label where the scene starts and ends emotionally, and the shape of the arc.",
            payload_fields={"excerpt": "text"},
            questions=[
                LabelQuestion(id="start_emotion", prompt="Emotion at the start", options=_EMOTIONS),
                LabelQuestion(id="end_emotion", prompt="Emotion at the end", options=_EMOTIONS),
                LabelQuestion(
                    id="shape",
                    prompt="Shape of the arc",
                    options=["rise", "fall", "fall then rise", "rise then fall", "flat"],
                ),
            ],
        ),
        Template(
            name="dialogue_naturalness",
            version=1,
            title="Naturalness of machine dialogue",
            instructions="Rate how natural this machine-written dialogue sounds spoken aloud, and name what breaks it.",
            payload_fields={"excerpt": "text"},
            questions=[
                RatingQuestion(
                    id="naturalness",
                    prompt="Naturalness",
                    min_label="robotic",
                    max_label="could be a person",
                ),
                LabelsQuestion(
                    id="problems",
                    prompt="What breaks it (any)",
                    options=[
                        "stilted phrasing",
                        "exposition dump",
                        "everyone sounds the same",
                        "too on the nose",
                        "wrong register",
                        "repetition",
                    ],
                    min_count=0,
                    required=False,
                ),
            ],
        ),
        Template(
            name="rank_endings",
            version=1,
            title="Rank alternative endings",
            instructions="Read the setup, then rank the candidate endings from best to worst.",
            payload_fields={"excerpt": "text", "endings": "text list"},
            questions=[
                RankingQuestion(id="ranking", prompt="Endings, best first", options_from="endings"),
                TextQuestion(
                    id="reason", prompt="Why the top one wins", min_words=5, max_chars=1000
                ),
            ],
        ),
        Template(
            name="rewrite_dialogue",
            version=1,
            title="Rewrite weak machine dialogue",
            instructions="Rewrite the line so a person would say it, keeping its meaning and the character's voice.",
            payload_fields={"line": "text"},  # an optional `context` field is shown beside it
            questions=[
                RewriteQuestion(
                    id="rewrite", prompt="Your rewrite", original_from="line", max_chars=1000
                ),
            ],
        ),
        Template(
            name="story_idea_rating",
            version=1,
            title="Rate a machine story idea",
            instructions="Rate the machine-generated story idea as a development executive would.",
            payload_fields={"idea": "text"},
            questions=[
                RatingQuestion(
                    id="originality", prompt="Originality", min_label="seen it", max_label="fresh"
                ),
                RatingQuestion(
                    id="coherence",
                    prompt="Coherence",
                    min_label="falls apart",
                    max_label="holds together",
                ),
                RatingQuestion(
                    id="potential",
                    prompt="Potential as a script",
                    min_label="none",
                    max_label="strong",
                ),
            ],
        ),
        Template(
            name="bias_flags",
            version=1,
            title="Flag systemic biases",
            instructions="Flag any stereotype the excerpt relies on. If you flag anything, explain briefly.",
            payload_fields={"excerpt": "text"},
            questions=[
                LabelsQuestion(
                    id="flags",
                    prompt="Biases present (none is a fine answer)",
                    options=_BIASES,
                    min_count=0,
                    required=False,
                ),
                TextQuestion(
                    id="explanation",
                    prompt="What in the text shows it",
                    required=False,
                    required_if_answered="flags",
                    min_words=5,
                    max_chars=1000,
                ),
            ],
        ),
        Template(
            name="scene_from_prompt",
            version=1,
            title="Write a short scene from a prompt",
            instructions="Write a short scene (80 to 400 words) in screenplay style from the prompt.",
            payload_fields={"prompt": "text"},
            questions=[
                TextQuestion(
                    id="scene", prompt="Your scene", min_words=80, max_words=400, max_chars=4000
                )
            ],
        ),
        Template(
            name="consistency_check",
            version=1,
            title="QA: is an earlier label consistent?",
            instructions="Another writer labelled this excerpt. Check the label against the guidelines.",
            payload_fields={"excerpt": "text", "question": "text", "earlier_label": "text"},
            questions=[
                LabelQuestion(
                    id="verdict",
                    prompt="The earlier label is",
                    options=["consistent", "inconsistent", "unsure"],
                ),
                TextQuestion(
                    id="correction",
                    prompt="The label you would give, and why",
                    required=False,
                    required_if_answered="verdict",
                    required_if_values=["inconsistent"],
                    max_chars=500,
                ),
            ],
        ),
    ]
}


def visible_length(text: str) -> int:
    """How many characters of a text a reader sees (zero-width and blank glyphs do not count)."""
    return measure_visible(text)[0]
