"""Every error the project raises on purpose, as one tree.

AssistantError                 base: a user-facing problem, printed as one line, never a traceback
├── InputError                 one input file cannot be ingested (carries .path); others go on
│   ├── MissingPathError       the path or glob matches nothing
│   ├── UnsupportedTypeError   the file extension has no loader
│   ├── EmptyFileError         no text after cleaning
│   ├── BinaryFileError        the bytes are not text
│   ├── DecodeError            no encoding decodes the bytes
│   └── TooLargeError          over a size limit (file, unpacked, characters): split it
├── StoreError                 the vector store cannot be used as asked
│   ├── EmptyStoreError        no documents yet: run `assistant ingest` first
│   ├── EmbedderMismatchError  the collection was built with another embedder
│   └── ChromaUnavailableError the Chroma server does not answer
├── EmbedderError              an embedding model cannot be loaded
├── ConfigError                a setting, flag or config file is invalid
├── LLMError                   the OpenAI-compatible endpoint failed
└── GoldSetError               an eval gold-set line is invalid (file, line, field)
"""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base of all expected errors; str() is the message shown to the user."""


class InputError(AssistantError):
    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}：{reason}")


class MissingPathError(InputError):
    pass


class UnsupportedTypeError(InputError):
    pass


class EmptyFileError(InputError):
    pass


class BinaryFileError(InputError):
    pass


class DecodeError(InputError):
    pass


class TooLargeError(InputError):
    pass


class TooSlowError(InputError):
    """A file that took longer than its time budget in ingest (setting max_file_seconds)."""


class StoreError(AssistantError):
    pass


class StoreBusyError(StoreError):
    """Another process is writing into the same embedded store."""


class EmptyStoreError(StoreError):
    pass


class EmbedderMismatchError(StoreError):
    pass


class ChromaUnavailableError(StoreError):
    pass


class EmbedderError(AssistantError):
    pass


class ConfigError(AssistantError):
    pass


class LLMError(AssistantError):
    pass


class GoldSetError(AssistantError):
    def __init__(self, path: str | Path, line: int, field: str, reason: str):
        self.path, self.line, self.field = str(path), line, field
        where = f"{path} 第 {line} 行" if line else str(path)  # line 0: the file as a whole
        what = "" if field.startswith("(") else f"，字段 {field}"  # "(line)", "(case)", "(file)": no one field
        super().__init__(f"{where}{what}：{reason}")


__all__ = ["AssistantError", "InputError", "MissingPathError", "UnsupportedTypeError", "EmptyFileError",
           "BinaryFileError", "DecodeError", "TooLargeError", "TooSlowError", "StoreError", "StoreBusyError",
           "EmptyStoreError", "EmbedderMismatchError", "ChromaUnavailableError", "EmbedderError", "ConfigError", "LLMError",
           "GoldSetError"]
