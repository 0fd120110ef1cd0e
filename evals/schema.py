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
# The fact a draft from a thumbs-down carries until someone writes the right answer (evals/from_feedback.py).
TO_FILL = "（请填写正确答案）"


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
                raise ValueError(f'第 {i + 1} 条事实没有非空的写法；每条事实至少写一种，例如 ["54家", "五十四家"]')
            if TO_FILL in forms:
                raise ValueError(f"第 {i + 1} 条事实还是草稿的占位符“{TO_FILL}”；请改成正确答案的写法")
        return facts

    @field_validator("sources")
    @classmethod
    def _sources_are_file_names(cls, sources: list[str]) -> list[str]:
        for s in sources:
            if not s or Path(s).name != s:
                raise ValueError(f"'{s}' 不是单纯的文件名；来源按文件名比较，请去掉文件夹部分，只写文件名")
        return sources

    @model_validator(mode="after")
    def _fits_its_type(self) -> GoldCase:
        if self.answerable and not (self.facts and self.sources):
            raise ValueError("可回答的用例必须有 facts 和 sources；不可回答的问题请把 type 设为 unanswerable")
        if not self.answerable and (self.facts or self.sources):
            raise ValueError("不可回答的用例（type 为 unanswerable）不能有 facts 或 sources；请删除这两个字段")
        if self.type == "follow-up" and not self.history:
            raise ValueError("追问用例（type 为 follow-up）必须有 history，写出它之前的对话")
        return self


def _allowed_fields(loc: tuple) -> str:
    """The field names allowed where an unknown field was found (a case, or one turn of its history)."""
    model = Turn if len(loc) == 3 and loc[0] == "history" else GoldCase
    return "、".join(model.model_fields)


def _reason(err: dict, field: str) -> str:
    """Pydantic's reason for a bad field, in Chinese (its own messages are English)."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":  # the validators above: already Chinese
        return err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return "缺少必填字段"
    if kind == "extra_forbidden":
        return f"没有这个字段（可用的字段：{_allowed_fields(err['loc'])}）；请改正拼写或删除它"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("' or '", "'、'").replace("', '", "'、'")
        return f"应为以下取值之一：{expected}"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_type":
        return "应为字符串"
    if kind == "list_type":
        return "应为列表"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为 JSON 对象"
    return f"字段 {field} 的值不符合格式；请对照 evals/README.md 里的标准答案集格式改正"


def _error_field(exc: ValidationError) -> tuple[str, str]:
    """The dotted field name and Chinese reason of the first validation error."""
    err = exc.errors()[0]
    field = ".".join(str(x) for x in err["loc"]) or "(case)"
    return field, _reason(err, field)


_JSON_PROBLEMS = {
    "Expecting value": "缺少值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "字段名要用双引号括起，或末尾多了逗号",
    "Unterminated string starting at": "字符串没有结束引号",
    "Extra data": "一个 JSON 对象后面还有多余的内容",
    "Invalid control character at": "字符串里有不允许的控制字符",
    "Invalid \\escape": "有无效的转义字符",
}


def why_unreadable(exc: Exception) -> str:
    """Why a file could not be read, in Chinese (the system's own text is English)."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本；请另存为 UTF-8"
    if isinstance(exc, json.JSONDecodeError):
        problem = _JSON_PROBLEMS.get(exc.msg, "格式错误")
        return f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{problem}）"
    return "文件打不开；请检查文件和磁盘"


def parse_case(line: str, path: str | Path, lineno: int) -> GoldCase:
    """One gold-set line as a case; GoldSetError names the file, line and field on any problem."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        problem = _JSON_PROBLEMS.get(exc.msg, "格式错误")
        raise GoldSetError(path, lineno, "(line)", f"不是有效的 JSON（第 {exc.colno} 列：{problem}）；"
                                                   "每行应是一个 JSON 对象") from exc
    if not isinstance(data, dict):
        raise GoldSetError(path, lineno, "(line)", "应为一个 JSON 对象（每行一条用例，写在 {…} 里）")
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
        raise GoldSetError(path, 0, "(file)", why_unreadable(exc)) from exc
    cases: list[GoldCase] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):  # blank lines and header comments
            continue
        case = parse_case(line, path, lineno)
        if case.id in seen:
            raise GoldSetError(path, lineno, "id", f"id '{case.id}' 重复（第 {seen[case.id]} 行已用过）；"
                                                  "每条用例的 id 必须唯一")
        seen[case.id] = lineno
        cases.append(case)
    if not cases:
        raise GoldSetError(path, 0, "(file)", "文件里没有用例；每行写一条 JSON 格式的用例（见 evals/README.md）")
    return cases
