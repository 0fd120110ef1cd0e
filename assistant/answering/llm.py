"""Optional LLM answerer: a LangChain chain against any OpenAI-compatible endpoint, with the same citation check.

Configured by ASSISTANT_LLM_BASE_URL, ASSISTANT_LLM_MODEL and ASSISTANT_LLM_API_KEY (or flags / config file).
"""

from __future__ import annotations

import logging
import re

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from assistant.answering.base import AnswerStream, Library
from assistant.answering.citations import (Evidence, make_citation, split_claims, unsupported_content,
                                            unsupported_figures)
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.compose import refusal
from assistant.answering.question import Question
from assistant.article import Article
from assistant.config import PROMPTS_DIR, Settings
from assistant.models import REFUSAL_PREFIX, Answer, Passage
from core.errors import ConfigError, LLMError
from core.numbers import extract_figures
from core.text import split_sentences

log = logging.getLogger(__name__)


def load_prompt() -> ChatPromptTemplate:
    system = (PROMPTS_DIR / "answer_system.txt").read_text(encoding="utf-8")
    user = (PROMPTS_DIR / "answer_user.txt").read_text(encoding="utf-8")
    return ChatPromptTemplate.from_messages([("system", system), ("human", user)])


# Text in a document that addresses the model, not the reader: it is never shown to the model or cited.
_INSTRUCTION = re.compile(r"忽略(?:以上|上述|之前|前面|先前)?(?:的)?(?:所有|全部|一切)?(?:的)?(?:指令|指示|规则|提示|要求)"
                          r"|你现在(?:是|扮演)|(?:系统|system)\s*(?:提示|prompt)|ignore\s+(?:all\s+)?(?:previous|above)",
                          re.IGNORECASE)
_OMITTED = "（此处一段疑似指令的文字已略去）"


def without_instructions(text: str) -> str:
    """The text with every sentence that gives the model orders ("忽略以上所有指令…") replaced by a note."""
    spans = [(s, e) for s, e in split_sentences(text) if _INSTRUCTION.search(text[s:e])]
    for s, e in reversed(spans):
        text = text[:s] + _OMITTED + text[e:]
    return text


def format_context(passages: list[Passage]) -> str:
    return "\n\n".join(f"[{i}] 《{p.title}》（{p.date or '日期不详'}）\n{without_instructions(p.text)}"
                         for i, p in enumerate(passages, 1))


def best_sentence(claim: str, passage: Passage, doc_text: str) -> Evidence:
    """The sentence of the cited passage that supports the claim best: its figures first, then shared characters."""
    figures = [f.raw for f in extract_figures(claim)]

    def fit(span: tuple[int, int]) -> tuple[int, int]:
        s, e = span
        text = doc_text[s:e]
        return (sum(not unsupported_figures(f, [text]) for f in figures), len(set(claim) & set(text)))

    spans = [(s, e) for s, e in split_sentences(doc_text, passage.start, passage.end)
             if not _INSTRUCTION.search(doc_text[s:e])] or [(passage.start, passage.end)]
    s, e = max(spans, key=fit)
    return Evidence(passage, s, e, doc_text[s:e])


class LLMAnswerer:
    def __init__(self, settings: Settings, policy: AnswerPolicy = DEFAULT_POLICY) -> None:
        self.min_support = policy.llm_min_support
        if not (settings.llm_base_url and settings.llm_model):
            raise ConfigError("用大模型回答（answerer = llm）需要设置 ASSISTANT_LLM_BASE_URL 和 ASSISTANT_LLM_MODEL"
                              "（一个 OpenAI 兼容的接口，例如 Ollama、vLLM 或 llama.cpp server）；"
                              "没有大模型时请用默认的 --answerer extractive")
        from langchain_openai import ChatOpenAI

        self.base_url = settings.llm_base_url

        llm = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model,
                         api_key=settings.llm_api_key or "not-needed", temperature=0,
                         timeout=settings.llm_timeout, max_retries=1, streaming=True)
        self.chain = load_prompt() | llm | StrOutputParser()

    def expected_queries(self, q: Question) -> list[str]:
        return []  # one retrieval, for the question itself

    def stream(self, question: str, q: Question, passages: list[Passage], library: Library) -> AnswerStream:
        """Yields tokens; returns (via StopIteration) the checked Answer."""
        if not passages:
            return refusal(question, [], [], "检索检查：没有找到相关段落")
        pieces = []
        try:
            for token in self.chain.stream({"context": format_context(passages), "question": q.text}):
                pieces.append(token)
                yield token
        except Exception as exc:  # openai/httpx raise many types; the user needs the endpoint named
            log.info("LLM endpoint %s failed: %r", self.base_url, exc)
            raise LLMError(f"调用大模型接口 {self.base_url} 失败，没有得到回答；请检查这个地址能否访问"
                           "（ASSISTANT_LLM_BASE_URL）、模型名 ASSISTANT_LLM_MODEL 是否正确，"
                           "响应慢时可调大 ASSISTANT_LLM_TIMEOUT；详细原因见调试日志（assistant -v）") from exc
        return self.check("".join(pieces).strip(), question, passages, library.articles(passages))

    def check(self, raw: str, question: str, passages: list[Passage], docs: dict[str, Article]) -> Answer:
        """Keep only claims their cited passages support (figures in the cited sentences; names, links and
        most content words in the passages); cite each by its exact sentence."""
        if not raw or raw.startswith(REFUSAL_PREFIX):
            return refusal(question, [], passages, "模型回答：资料中没有答案")
        citations, parts, flagged = [], [], False
        for claim, numbers in split_claims(raw):
            cited = [passages[n - 1] for n in numbers if 1 <= n <= len(passages)]
            if not cited:
                flagged = True
                continue
            evidence = [best_sentence(claim, p, docs[p.source].text) for p in cited]
            unsupported = (unsupported_figures(claim, [ev.text for ev in evidence])
                           + unsupported_content(claim, "\n".join(f"{p.title}\n{without_instructions(p.text)}"
                                                                   for p in cited), self.min_support))
            if unsupported:  # an invented figure, name, link or claim: the sentence goes
                log.warning("dropped a claim its cited passages do not support (%s): %s", unsupported, claim)
                flagged = True
                continue
            markers = []
            for ev in evidence:
                existing = next((c for c in citations if (c.source, c.start) == (ev.passage.source, ev.start)), None)
                if existing is None:
                    existing = make_citation(len(citations) + 1, ev)
                    citations.append(existing)
                markers.append(f"[{existing.n}]")
            parts.append(claim + "".join(markers))
        if not parts:
            answer = refusal(question, [], passages, "出处检查：模型的每句话都没有通过引用核对")
            answer.flagged = flagged
            return answer
        return Answer(question=question, answer="".join(parts), refused=False, citations=citations, flagged=flagged)

