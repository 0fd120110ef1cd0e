"""The gold set: one JSON object per line, validated on load (see evals/README.md for the format)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant import GoldSetError

BUNDLED_GOLD = Path(__file__).resolve().parent / "gold.jsonl"

CaseType = Literal[
    "figure", "entity", "list", "multi-article", "follow-up", "traditional-script", "unanswerable"
]
CASE_TYPES: tuple[str, ...] = CaseType.__args__


class Turn(BaseModel):
    """One earlier message of a conversation, as `Assistant.ask(history=...)` takes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


class GoldCase(BaseModel):
    """One question with what a correct answer must contain and where it must come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    type: CaseType
    question: str = Field(min_length=1)
    facts: list[list[str]] = []  # each fact: accepted written forms, any one suffices
    sources: list[str] = []  # file names of the articles that hold the facts
    history: list[Turn] = []
    tags: list[str] = []  # failure classes and formats the case exercises (see evals/README.md)
    note: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @field_validator("facts")
    @classmethod
    def _facts_have_forms(cls, facts: list[list[str]]) -> list[list[str]]:
        for i, forms in enumerate(facts):
            if not forms or any(not f.strip() for f in forms):
                raise ValueError(f"fact {i} needs at least one non-empty accepted form")
        return facts

    @field_validator("sources")
    @classmethod
    def _sources_are_file_names(cls, sources: list[str]) -> list[str]:
        for s in sources:
            if not s or Path(s).name != s:
                raise ValueError(f"'{s}' is not a bare file name (compare sources by file name)")
        return sources

    @model_validator(mode="after")
    def _fits_its_type(self) -> GoldCase:
        if self.answerable and not (self.facts and self.sources):
            raise ValueError("an answerable case needs 'facts' and 'sources'")
        if not self.answerable and (self.facts or self.sources):
            raise ValueError("an unanswerable case takes no 'facts' or 'sources'")
        if self.type == "follow-up" and not self.history:
            raise ValueError("a follow-up case needs its 'history'")
        return self


def _error_field(exc: ValidationError) -> tuple[str, str]:
    """The dotted field name and message of the first validation error."""
    err = exc.errors()[0]
    field = ".".join(str(x) for x in err["loc"]) or "(case)"
    return field, err["msg"].removeprefix("Value error, ")


def parse_case(line: str, path: str | Path, lineno: int) -> GoldCase:
    """One gold-set line as a case; GoldSetError names the file, line and field on any problem."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldSetError(path, lineno, "(line)", f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise GoldSetError(path, lineno, "(line)", "expected a JSON object")
    try:
        return GoldCase.model_validate(data)
    except ValidationError as exc:
        raise GoldSetError(path, lineno, *_error_field(exc)) from exc


def load_gold(path: str | Path = BUNDLED_GOLD) -> list[GoldCase]:
    """All cases of a gold-set file; blank lines are skipped, ids must be unique."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldSetError(path, 0, "(file)", f"cannot read: {exc}") from exc
    cases: list[GoldCase] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):  # blank lines and header comments
            continue
        case = parse_case(line, path, lineno)
        if case.id in seen:
            raise GoldSetError(path, lineno, "id", f"duplicate id '{case.id}' (first on line {seen[case.id]})")
        seen[case.id] = lineno
        cases.append(case)
    if not cases:
        raise GoldSetError(path, 0, "(file)", "no cases")
    return cases
