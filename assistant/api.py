"""The public Python API; the CLI, the UI, evals and benchmarks all go through it."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from assistant.answering import ANSWERERS, Answerer, trace
from assistant.answering.citations import check_answer
from assistant.answering.compose import refusal
from assistant.answering.followup import message_text, resolve
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.question import analyse
from assistant.briefing.build import build_briefing
from assistant.briefing.model import Briefing
from assistant.config import Settings, load_settings
from assistant.diagnostics import HitTest, build_hit_test
from assistant.examples import example_questions, related_questions
from assistant.copies import orphan_copies, plan_copies
from assistant.ingestion import IngestReport, cleaned_texts, ingest_paths, store_documents
from ingest.load import InputLimits
from assistant.library import ArticleCache, StoreLibrary
from assistant.models import Answer, Citation, Excerpt, Filters, KnowledgeBase, Passage, Reprint
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.reading import DEFAULT_WINDOW, ReadWindow, excerpt
from assistant.retrieval.rerank import RERANKERS
from assistant.sync import SyncReport, plan_sync
from core.documents import DEFAULT_KB, kb_names, page_at
from core.errors import ConfigError, EmptyStoreError
from core.text import clean_input, normalize_query
from vectorstore.catalog import DocumentRow
from vectorstore.doctor import Problem, check_store
from vectorstore.store import VectorStore

log = logging.getLogger(__name__)


FILTER_MAY_HIDE = "当前的筛选范围（{}）可能把含有答案的文章排除在外，可以清除筛选后再问一次"


class Assistant:
    """Answers questions about the ingested articles, with verified citations.

    >>> a = Assistant(store="~/.local/share/union-qa-assistant/store")
    >>> a.ask("什邡市总工会建了多少家新就业形态工会？").answer
    """

    def __init__(self, store: str | Path | None = None, *, chroma_url: str | None = None,
                 catalog_url: str | None = None, embedder: str | None = None, retriever: str | None = None, answerer: str | None = None,
                 top_k: int | None = None, settings: Settings | None = None,
                 policy: AnswerPolicy | None = None, window: ReadWindow | None = None) -> None:
        self.settings = settings or load_settings(store=store, chroma_url=chroma_url, catalog_url=catalog_url, embedder=embedder,
                                                  retriever=retriever, answerer=answerer, top_k=top_k)
        s = self.settings
        RERANKERS.check(s.rerank)
        ANSWERERS.check(s.answerer)
        self.store = VectorStore(s.store, s.chroma_url, s.embedder, s.collection, s.embedding_cache, s.catalog_url)
        self.window = window or DEFAULT_WINDOW  # how much of a long document one question reads
        self._articles = ArticleCache(self.store, self.window)
        self._retriever: HybridRetriever | None = None
        self._answerer: Answerer | None = None
        self.policy = policy or DEFAULT_POLICY  # the extractive answerer's thresholds and weights
        self._examples: tuple[tuple, list[str]] = ((), [])

    # -- documents --
    def ingest(self, paths: list[str | Path], progress: Callable[[int, int], None] | None = None,
               kb: str | None = None, on_stage: Callable | None = None) -> IngestReport:
        """Ingest files, folders and globs into knowledge base `kb` (default: the setting, else 默认); a file
        already stored in another knowledge base moves to this one."""
        s = self.settings
        limits = InputLimits(s.max_file_mb * 2**20, s.max_unpacked_mb * 2**20, s.max_document_chars,
                             s.max_file_seconds, s.max_ocr_page_seconds)
        report = ingest_paths([str(p) for p in paths], self.store, progress, limits, self._target_kb(kb),
                              on_stage=on_stage)  # on_stage(IngestProgress): 读取/清洗/向量化/写入 steps
        self._articles.clear()
        return report

    def sync(self, folders: list[str | Path], dry_run: bool = False,
             progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Bring the store in step with folders: ingest new and changed files, remove documents whose files
        are gone (dry_run: only say what would change)."""
        plan = plan_sync([Path(f) for f in folders], self.store)
        report = SyncReport(plan)
        if dry_run:
            return report
        for source in plan.gone:
            if self.remove(source):
                report.removed.append(source)
        if plan.to_ingest:
            report.ingest = self.ingest(plan.to_ingest, progress)
        return report

    def documents(self, kbs: tuple[str, ...] | None = None) -> list[DocumentRow]:
        """The stored documents of these knowledge bases (None: those of the settings; all when unset)."""
        kbs = kb_names(self.settings.kb) if kbs is None else kbs
        rows = self.store.documents()
        return [r for r in rows if r.kb in kbs] if kbs else rows

    def knowledge_bases(self) -> list[KnowledgeBase]:
        """Each knowledge base with ready documents, by name."""
        return [KnowledgeBase(*row) for row in self.store.catalog.knowledge_bases()]

    def _target_kb(self, kb: str | None) -> str:
        names = kb_names(kb if kb is not None else self.settings.kb)
        if len(names) > 1:
            raise ConfigError(f"一次只能导入到一个知识库，现在给了 {len(names)} 个（{'、'.join(names)}）；"
                              "请用 --kb 只写一个名称")
        return names[0] if names else DEFAULT_KB

    def _scoped(self, filters: Filters | None) -> Filters | None:
        """The filters of a question, limited to the knowledge bases of the settings when it names none;
        an empty store, or a knowledge base that holds no documents, is a mistake worth saying, not an
        empty answer."""
        if not self.store.catalog.has_documents():
            raise EmptyStoreError(f"资料库 {self.store.dir} 里还没有文档；请先导入文章，例如 `assistant ingest data/sample`")
        kbs = filters.kbs if filters and filters.kbs else kb_names(self.settings.kb)
        unknown = [k for k in kbs if not self.store.catalog.has_documents((k,))]  # an index probe each
        if unknown:
            have = "、".join(k.name for k in self.knowledge_bases()) or "（没有）"
            raise ConfigError(f"没有名为「{'、'.join(unknown)}」的知识库（或其中还没有文档）；现有的知识库：{have}。"
                              "请检查 --kb / ASSISTANT_KB 或界面上选的知识库")
        if not kbs or (filters and filters.kbs):
            return filters
        return replace(filters or Filters(), kbs=kbs)

    def has_document(self, source: str) -> bool:
        """Whether the store holds the document (in any state), given as any spelling of its path."""
        return self.store.document(self.source_key(source)) is not None

    def warm_up(self, listings: bool = False, wait: bool = False) -> int:
        """Load the embedding model and open the vectors now, so the first question does not wait.
        listings: also read the most frequent keyword terms' listings ahead, in the background unless `wait`,
        and again after each change of the store: a question then meets only rarer terms cold (at 100k chunks
        a cold common one costs up to ~70 ms). Returns the listed rows read before returning."""
        _ = self.store.collection
        return self.store.warm_keyword_index(background=not wait) if listings else 0

    def chunk_texts(self) -> list[str]:
        """The embedded text of every stored chunk (its title/date header included), in id order."""
        rows = self.store.chunks(sorted(self.store.chunk_ids(None)))
        headers = {d.source: " ".join(x for x in (d.title, d.date) if x) for d in self.store.documents()}
        return [f"{headers[r.source]}\n{r.text}" if headers.get(r.source) else r.text for r in rows.values()]

    def document(self, source: str) -> DocumentRow | None:
        return self.store.document(self.source_key(source))

    def source_key(self, source: str) -> str:
        """The stored name of a document given as any spelling of its path (or as stored)."""
        if self.store.document(source) is not None:
            return source
        return str(Path(source).expanduser().resolve())

    def document_text(self, source: str) -> str | None:
        return self.store.document_text(self.source_key(source))

    def excerpt(self, source: str, start: int, end: int) -> Excerpt:
        """The document text a citation card shows (a long document only around the quote)."""
        return excerpt(self.store, self.source_key(source), start, end, self.window)

    def remove(self, source: str) -> bool:
        """Remove a document; when it was the canonical one of republished copies, a copy takes its place."""
        self._articles.clear()
        removed = self.store.remove(self.source_key(source))
        self.settle_copies()
        return removed

    def settle_copies(self) -> list[str]:
        """Copies whose canonical document is gone (removed, or an interrupted change) get a new one, indexed
        from the stored text (assistant/copies.py); returns the promoted copies."""
        with self.store.writing():
            plan = store_documents([], {}, self.store, IngestReport())
        self._articles.clear()
        return list(plan.promote)

    def clean_texts(self, paths: list[str | Path]) -> dict[str, str]:
        """The cleaned text each new or changed file would be stored as, by source; nothing is stored."""
        return cleaned_texts([str(p) for p in paths], self.store)

    def stats(self) -> dict:
        return self.store.stats()

    def check_store(self, repair: bool = False) -> list[Problem]:
        """Chroma, catalog, keyword index and embedding cache checked against each other (and repaired)."""
        self._articles.clear()
        if not repair:
            return check_store(self.store) + orphan_copies(plan_copies(self.store, []).promote, repaired=False)
        with self.store.writing():
            problems = check_store(self.store, repair=True)
        return problems + orphan_copies(self.settle_copies(), repaired=True)

    def example_questions(self, limit: int = 5) -> list[str]:
        """Questions drawn from the stored articles that this assistant answers (recomputed when documents change)."""
        rows = self.documents()
        key = tuple((d.source, d.content_hash) for d in rows)
        if self._examples[0] != key:
            articles = (self._articles.get(d.source) for d in rows)
            self._examples = (key, example_questions(articles, self.ask, limit))
        return self._examples[1]

    def related_questions(self, answer: Answer, limit: int = 3) -> list[str]:
        """Up to `limit` follow-up questions drawn from the articles `answer` cites, each verified by
        asking it (nothing for a refusal)."""
        if answer.refused or not answer.citations:
            return []
        sources = dict.fromkeys(c.source for c in answer.citations)
        return related_questions((self._articles.get(s) for s in sources), answer, self.ask, limit)

    def brief(self, topic: str, **opts) -> Briefing:
        """A trainer's briefing on a topic: initiatives, key figures, comparison, timeline, quiz (each question
        checked by asking it back) and sources, every fact cited.
        Briefing.no_material is True when the articles do not cover the topic."""
        self._scoped(None)
        library = StoreLibrary(self._hybrid(), self._articles)
        return build_briefing(topic, lambda query, k: self.retrieve(query, k=k), library.articles,
                              self.store.catalog.idf, ask=self.ask, publisher=self._publisher, **opts)

    def _publisher(self, source: str) -> str:
        row = self.document(source)
        return (row.publisher or "") if row else ""

    # -- questions --
    def _hybrid(self) -> HybridRetriever:
        """Built once: a configured cross-encoder loads once, not per question."""
        if self._retriever is None:
            s = self.settings
            self._retriever = HybridRetriever(store=self.store, mode=s.retriever, k=s.top_k,
                                              reranker=RERANKERS.create(s.rerank), window=self.window)
        return self._retriever

    def retriever(self, filters: Filters | None = None, k: int | None = None) -> HybridRetriever:
        """A LangChain retriever over the store (sharing this Assistant's reranker)."""
        return self._hybrid().model_copy(update={"filters": filters or Filters(), "k": k or self.settings.top_k})

    def retrieve(self, question: str, k: int = 10, history: list[dict] | None = None,
                 filters: Filters | None = None) -> list[Passage]:
        filters = self._scoped(filters)
        resolved = resolve(question, history)
        self._hybrid().embed_soon(normalize_query(resolved))  # embedded while the question is analysed
        q = analyse(resolved)
        return self._hybrid().passages(q.search, k=k, filters=filters, dense_query=q.normalized, names=q.entities)

    def ask(self, question: str, history: list[dict] | None = None, filters: Filters | None = None,
            id: str | None = None) -> Answer:
        """Answer one question; history is the chat so far as [{"role", "content"}] for follow-ups."""
        answer = None
        for item in self.ask_stream(question, history, filters, id=id):
            if isinstance(item, Answer):
                answer = item
        return answer

    def ask_stream(self, question: str, history: list[dict] | None = None,
                   filters: Filters | None = None, id: str | None = None) -> Iterator[str | Answer]:
        """Yields answer text as it is produced, then the final, checked Answer."""
        started = time.perf_counter()
        question = clean_input(question or "")
        history = [{**m, "content": clean_input(message_text(m))} for m in history or []
                   if len(message_text(m)) <= self.settings.max_question_chars]
        rejected = self._rejected(question)
        if rejected:
            yield rejected
            return
        filters = self._scoped(filters)
        resolved = resolve(question, history)
        q = analyse(resolved)  # ~0.3 ms, before any embedding: a message answered in parts needs only theirs
        parts = self._answering().expected_queries(q)
        library = StoreLibrary(self._hybrid(), self._articles, filters)
        library.prefetch(parts or [q.normalized])
        # A message answered in parts is searched part by part only, its parts' embeddings side by side on the
        # cores: searching it whole too cost ~10 ms of a core they need (~45 ms at 93k chunks while they ran),
        # for what would only be a refusal's related reading (library.related, read if refused)
        passages = [] if parts else library.passages(q.search, dense_query=q.normalized, names=q.entities)
        answer = yield from self._answering().stream(question, q, passages, library)
        problems = [] if answer.refused else check_answer(answer.answer, answer.citations)
        if problems:  # an answer that its own quotes do not bear out is not shown: refuse, and say why
            log.warning("answer to %r failed its citation check: %s", question, problems)
            related = passages or library.related(q.search, q.entities)
            answer = refusal(question, [], related, "引用检查：组成的回答里有引用原文证实不了的内容（"
                             + "；".join(problems)[:300] + "），为免误导不作回答")
            answer.flagged = True
        if answer.refused and filters is not None and filters.active:
            # The answer may be in a document the filter leaves out: say so, so staff know to widen it.
            answer.refusal_reason = "；".join(x for x in (answer.refusal_reason, FILTER_MAY_HIDE.format(filters.describe()))
                                             if x)
        answer.citations = [self._placed(c) for c in answer.citations]
        answer.id = id or uuid.uuid4().hex[:12]
        answer.resolved_question = resolved
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def explain(self, question: str, history: list[dict] | None = None, filters: Filters | None = None,
                k: int = 10) -> HitTest:
        """The hit test: the top-k passages with their BM25, dense, fused and rerank scores, and every sentence
        the answerer weighed (features, score, veto) with the one it chose; recorded from a real `ask`."""
        with trace.recording() as decisions:
            answer = self.ask(question, history, filters)
        rejected = self._rejected(clean_input(question or ""))
        passages = [] if rejected else self.retrieve(clean_input(question), k=k, history=history, filters=filters)
        return build_hit_test(question, answer, passages, decisions, self.settings.answerer)

    def _placed(self, c: Citation) -> Citation:
        """The citation with where its quote sits: its page, the table whose row it is."""
        article = self._articles.get(c.source, [Passage(c.chunk_id, c.source, c.title, c.date, c.passage, c.start,
                                                        c.end)])
        return replace(c, page=page_at(self.store.catalog.document_pages(c.source), c.start),
                       table=article.table_of(c.start),
                       also_in=tuple(Reprint(r.source, r.title, r.date) for r in self.store.copies(c.source)))

    def _rejected(self, question: str) -> Answer | None:
        """An empty or too long question is refused before any work, saying why."""
        limit = self.settings.max_question_chars
        if not question:
            why = "问题检查：问题是空的"
            text = "请输入要查询的问题，例如：什邡市总工会建了多少家新就业形态工会？"
        elif len(question) > limit:
            why = f"问题检查：问题有 {len(question)} 个字，超过上限 {limit} 个字（设置项 max_question_chars）"
            text = f"问题太长了（{len(question)} 个字，上限 {limit} 个字）。请只保留要问的内容后再问。"
            question = question[:limit]
        else:
            return None
        return Answer(question=question, answer=text, refused=True, refusal_reason=why,
                      id=uuid.uuid4().hex[:12], resolved_question=question)

    def _answering(self) -> Answerer:
        if self._answerer is None:
            self._answerer = ANSWERERS.create(self.settings.answerer, self.settings, self.policy)
        return self._answerer
