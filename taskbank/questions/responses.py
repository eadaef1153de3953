"""Whole answers: question sets checked at import, responses validated, drafts merged, gold."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from taskbank.answer_text import InvalidAnswer, quote, shorten
from taskbank.errors import Problem, ValidationFailed
from taskbank.questions.base import MAX_DRAFT_BYTES, QuestionBase, is_blank, quote_list
from taskbank.questions.choices import LabelQuestion, LabelsQuestion
from taskbank.questions.rating import RatingQuestion

MAX_QUESTIONS = 10  # one chat card must hold them


def check_question_set(questions: Sequence[QuestionBase]) -> None:
    """Raise ValueError naming every way a question set is unusable (empty, duplicate ids,
    dangling or unsatisfiable references)."""
    if not questions:
        raise ValueError("a task needs at least one question")
    if len(questions) > MAX_QUESTIONS:
        raise ValueError(
            f"a task has at most {MAX_QUESTIONS} questions (one chat card must hold them), got {len(questions)}"
        )
    ids = [question.id for question in questions]
    problems = []
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"question ids must be unique; repeated: {', '.join(duplicates)}")
    by_id = {question.id: question for question in questions}
    for question in questions:
        problems.extend(_reference_problems(question, by_id))
    if problems:
        raise ValueError("; ".join(problems))


def _reference_problems(question: QuestionBase, by_id: Mapping[str, QuestionBase]) -> list[str]:
    trigger, values = question.required_if_answered, question.required_if_values
    if trigger is None:
        if values is not None:
            return [f"question '{question.id}': required_if_values goes with required_if_answered"]
        return []
    if trigger == question.id:
        return [f"question '{question.id}' cannot depend on its own answer"]
    target = by_id.get(trigger)
    if target is None:
        return [f"question '{question.id}' depends on unknown question '{trigger}'"]
    if values is None:
        return []
    where = f"question '{question.id}': required_if_values"
    if not values:
        return [f"{where} is empty, so the question would never be required"]
    if isinstance(target, LabelQuestion | LabelsQuestion):
        if target.options is None:
            return []  # options come with each task; a value may be an option of some tasks
        unknown = [value for value in values if value not in target.options]
        if unknown:
            return [
                f"{where} names {quote_list(unknown)}, not options of '{trigger}' "
                f"(its options: {quote_list(target.options)})"
            ]
        return []
    if isinstance(target, RatingQuestion):
        scale = range(target.scale_min, target.scale_max + 1)
        off = [v for v in values if not re.fullmatch(r"-?[0-9]{1,5}", v) or int(v) not in scale]
        if off:
            return [
                f"{where} names {quote_list(off)}, not points of the scale of '{trigger}' "
                f"({target.scale_min} to {target.scale_max})"
            ]
        return []
    return [f"{where} needs a label, labels or rating question; '{trigger}' is {target.kind}"]  # type: ignore[attr-defined]


def validate_response(
    questions: Sequence[QuestionBase], payload: Mapping[str, Any], response: Mapping[str, Any]
) -> dict[str, Any]:
    """Normalize a whole response, or raise ValidationFailed naming every wrong answer."""
    if not isinstance(response, Mapping):
        raise ValidationFailed([Problem("response", "expected an answer for each question")])
    known = {question.id for question in questions}
    problems = _unknown_keys(response, known)
    answers: dict[str, Any] = {}
    for question in questions:
        value = response.get(question.id)
        if is_blank(value):
            continue
        try:
            answers[question.id] = question.normalize(value, payload)
        except InvalidAnswer as error:
            problems.append(Problem(question.id, str(error)))
    for question in questions:
        if question.id in answers or any(p.field == question.id for p in problems):
            continue
        trigger = question.required_if_answered
        if trigger is not None:
            if _triggered(answers.get(trigger), question.required_if_values):
                problems.append(
                    Problem(question.id, f"required because of the answer to '{trigger}'")
                )
        elif question.required:
            problems.append(Problem(question.id, "an answer is required"))
    if problems:
        raise ValidationFailed(problems, summary="the answer needs fixing")
    return answers


MAX_UNKNOWN_KEYS_NAMED = 10


def _unknown_keys(answers: Mapping[Any, Any], known: set[str]) -> list[Problem]:
    """A problem for each of the first few keys that are not question ids, then how many more."""
    unknown = [key for key in answers if not isinstance(key, str) or key not in known]
    problems = [_unknown_key(key, known) for key in unknown[:MAX_UNKNOWN_KEYS_NAMED]]
    if len(unknown) > MAX_UNKNOWN_KEYS_NAMED:
        more = len(unknown) - MAX_UNKNOWN_KEYS_NAMED
        problems.append(Problem("response", f"and {more:,} more keys that are not questions"))
    return problems


def _unknown_key(key: Any, known: set[str]) -> Problem:
    if not isinstance(key, str):
        return Problem("response", f"question ids are text, got {quote(key)}")
    return Problem(
        shorten(key), f"no such question; expected answers to {', '.join(sorted(known))}"
    )


def _triggered(answer: Any, values: list[str] | None) -> bool:
    if is_blank(answer):
        return False
    if values is None:
        return True
    chosen = answer if isinstance(answer, list) else [answer]
    return any(str(item) in values for item in chosen)


def merge_draft(
    questions: Sequence[QuestionBase],
    payload: Mapping[str, Any],
    draft: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> dict[str, Any]:
    """`answers` merged into a stored draft (a blank value removes one), or ValidationFailed.

    A draft may be incomplete or not yet valid, but each value must have a shape its question
    can take (text; a label or list of labels; a whole number), hold no control characters, and
    the whole must fit in MAX_DRAFT_BYTES. Stored values that no longer pass are dropped.
    """
    if not isinstance(answers, Mapping):
        raise ValidationFailed([Problem("draft", "expected answers by question id")])
    by_id = {question.id: question for question in questions}
    merged: dict[str, Any] = {}
    for key, value in draft.items():
        if is_blank(value):
            continue
        try:
            merged[key] = by_id[key].draft_value(value, payload)
        except (KeyError, InvalidAnswer):
            continue
    problems = _unknown_keys(answers, set(by_id))
    for key, value in answers.items():
        question = by_id.get(key) if isinstance(key, str) else None
        if question is None:
            continue
        if is_blank(value):
            merged.pop(key, None)
        else:
            try:
                merged[key] = question.draft_value(value, payload)
            except InvalidAnswer as error:
                problems.append(Problem(key, f"not saved: {error}"))
    if not problems:
        size = len(json.dumps(merged, ensure_ascii=False).encode())
        if size > MAX_DRAFT_BYTES:
            largest = max(
                (key for key in answers if key in merged),
                key=lambda key: len(json.dumps(merged[key], ensure_ascii=False)),
                default="draft",
            )
            problems.append(
                Problem(
                    largest,
                    f"not saved: the whole answer would be {size:,} bytes, at most "
                    f"{MAX_DRAFT_BYTES:,} are kept; shorten this answer",
                )
            )
    if problems:
        raise ValidationFailed(problems, summary="the draft was not saved")
    return merged


def gold_agreement(
    questions: Sequence[QuestionBase], answers: Mapping[str, Any], gold: Mapping[str, Any]
) -> bool:
    """True when every gold-answered question was answered the same way."""
    by_id = {question.id: question for question in questions}
    return all(
        question_id in by_id and by_id[question_id].matches_gold(answers.get(question_id), expected)
        for question_id, expected in gold.items()
    )


@dataclass(frozen=True)
class GoldMiss:
    """One gold-answered question answered otherwise: what was expected and what was given."""

    question_id: str
    prompt: str
    expected: Any
    given: Any


def gold_misses(
    questions: Sequence[QuestionBase], answers: Mapping[str, Any], gold: Mapping[str, Any]
) -> list[GoldMiss]:
    """The gold-answered questions this answer got wrong, in question order."""
    return [
        GoldMiss(
            question.id,
            question.prompt,
            gold[question.id],
            answers.get(question.id),
        )
        for question in questions
        if question.id in gold
        and not question.matches_gold(answers.get(question.id), gold[question.id])
    ]
