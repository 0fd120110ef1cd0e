"""工会问答助手: grounded, cited answers about Chinese trade-union news."""

from assistant.models import Answer, Citation, Passage

__all__ = ["Assistant", "Answer", "Citation", "Passage"]


def __getattr__(name: str):
    # Lazy: `assistant --help` and the data classes should not pay for chromadb/langchain imports.
    if name == "Assistant":
        from assistant.api import Assistant

        return Assistant
    raise AttributeError(name)
