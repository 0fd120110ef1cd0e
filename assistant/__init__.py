"""工会问答助手: grounded, cited answers about Chinese trade-union news.

The public API: what the CLI, the UI, evals, bench and users' scripts import. Everything else in this
package is internal and may move.
"""

from __future__ import annotations

from importlib import import_module

from assistant.models import (NO_DATE, REFUSAL_PREFIX, STAT_LABELS, Answer, Citation, Excerpt, Filters,
                              KnowledgeBase, Passage, Reprint, doc_label, reprints_line)
from core.documents import DEFAULT_KB, kb_names
from core.errors import (AssistantError, BinaryFileError, ChromaUnavailableError, ConfigError, DecodeError,
                         EmbedderError, EmbedderMismatchError, EmptyFileError, EmptyStoreError, GoldSetError,
                         InputError, LLMError, MissingPathError, StoreBusyError, StoreError, TooLargeError,
                         TooSlowError, UnsupportedTypeError)
from core.numbers import extract_figures, figure_in_text, normalise_figure, same_figure

# Loaded on first use: `assistant --help` and the data classes should not pay for chromadb/langchain imports.
_LAZY = {
    "Assistant": "assistant.api",
    "AnswerPolicy": "assistant.answering.policy",
    "ReadWindow": "assistant.retrieval.reading",
    "IngestReport": "assistant.ingestion",
    "IngestProgress": "assistant.ingestion",  # one step of an ingest (upload progress bars)
    "Stage": "assistant.ingestion",
    "FileResult": "assistant.ingestion",
    "DocumentRow": "vectorstore.catalog",
    "Settings": "assistant.config",
    "load_settings": "assistant.config",
    "APP": "assistant.config",
    "PROMPTS_DIR": "assistant.config",
    "SAMPLE_DIR": "assistant.config",
    "Briefing": "assistant.briefing.model",
    "EXAMPLE_TOPICS": "assistant.briefing.material",
    "BRIEF_FORMATS": "assistant.briefing.export",
    "render_briefing": "assistant.briefing.export",
    "export_briefing": "assistant.briefing.export",
    "briefing_html": "assistant.briefing.export",
    "default_brief_filename": "assistant.briefing.export",
    "pipeline_fingerprint": "assistant.ingestion",
    "embedding_texts": "assistant.ingestion",
    "catalog_exists": "vectorstore.catalogs",  # the CLI refuses to open a store that is not there
    "catalog_location": "vectorstore.catalogs",  # what an ingest would embed (bench/scale.py fills a cache)
    "fingerprint": "core.fingerprint",  # republished copies: the content fingerprint and its comparison
    "similarity": "core.fingerprint",
    "CopyPolicy": "core.fingerprint",
    "open_conversations": "assistant.conversations",  # each user's chats, kept server-side
    "ConversationRepository": "assistant.conversations",
    "ConversationNotFound": "assistant.conversations",
    "render_conversation": "assistant.conversation_export",
    "CONVERSATION_FORMATS": "assistant.conversation_export",
    "HitTest": "assistant.diagnostics",
    "HitPassage": "assistant.diagnostics",
    "HitCandidate": "assistant.diagnostics",
}
_RENAMED = {"CONVERSATION_FORMATS": "EXPORT_FORMATS", "BRIEF_FORMATS": "FORMATS", "render_briefing": "render", "export_briefing": "export",
            "briefing_html": "to_html", "default_brief_filename": "default_filename"}

__all__ = [
    "Assistant", "AnswerPolicy", "HitTest", "HitPassage", "HitCandidate", "ReadWindow", "Answer", "Citation", "Excerpt", "Passage", "Filters", "KnowledgeBase", "DEFAULT_KB", "kb_names", "Briefing",
    "IngestReport", "IngestProgress", "Stage", "FileResult", "DocumentRow", "Settings", "load_settings", "APP", "PROMPTS_DIR", "SAMPLE_DIR", "EXAMPLE_TOPICS",
    "REFUSAL_PREFIX", "NO_DATE", "STAT_LABELS", "Reprint", "reprints_line", "fingerprint", "similarity", "CopyPolicy",
    "open_conversations", "ConversationRepository", "ConversationNotFound", "render_conversation",
    "CONVERSATION_FORMATS", "doc_label", "BRIEF_FORMATS", "render_briefing", "export_briefing", "briefing_html", "default_brief_filename",
    "pipeline_fingerprint", "embedding_texts", "catalog_exists", "catalog_location", "extract_figures", "figure_in_text", "normalise_figure", "same_figure",
    "AssistantError", "InputError", "MissingPathError", "UnsupportedTypeError", "EmptyFileError", "BinaryFileError",
    "DecodeError", "TooLargeError", "TooSlowError", "StoreError", "StoreBusyError", "EmptyStoreError",
    "EmbedderMismatchError",
    "ChromaUnavailableError", "EmbedderError", "ConfigError", "LLMError", "GoldSetError",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), _RENAMED.get(name, name))
    raise AttributeError(f"module 'assistant' has no attribute '{name}'")
