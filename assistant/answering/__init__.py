"""Answering a question from retrieved passages, as named steps (see extractive.py), and the answerers."""

from assistant.answering.base import ANSWERERS, Answerer, Library

__all__ = ["ANSWERERS", "Answerer", "Library"]
