"""Answers asked at the same time are the answers asked one by one: the embedder, the Assistant and the served
/ask endpoint, each called from several threads at once. Behaviour only; speed is bench/concurrency.py's."""

from __future__ import annotations

import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
THREADS = 4


def gold_questions(n: int) -> list[str]:
    """n stand-alone questions of the sample gold set, taking each case type in turn (unanswerable included)."""
    by_type: dict[str, list[str]] = {}
    for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line) if line.strip() else {}
        if case and not case.get("history"):
            by_type.setdefault(case["type"], []).append(case["question"])
    turns = zip(*by_type.values())  # one of each type, then the next of each...
    return list(dict.fromkeys(q for turn in turns for q in turn))[:n]


def at_once(fn, items: list, threads: int = THREADS) -> list:
    """fn over the items from several threads released together (a barrier), results in input order."""
    start = threading.Barrier(threads, timeout=120)

    def call(item):
        return fn(item)

    def first(item):
        start.wait()
        return fn(item)

    with ThreadPoolExecutor(threads) as pool:
        heads = [pool.submit(first, item) for item in items[:threads]]
        rest = list(pool.map(call, items[threads:]))
        return [h.result() for h in heads] + rest


def same_answer(answer) -> dict:
    """An answer's JSON without its per-answer id."""
    return {k: v for k, v in answer.to_json().items() if k != "id"}


def test_the_query_embedder_gives_the_same_vectors_from_several_threads_at_once(sample_assistant):
    model = sample_assistant.store.embedder.inner  # the model itself, not the cache or the query memory
    texts = gold_questions(12)
    alone = [model.embed_query(t) for t in texts]
    together = at_once(model.embed_query, texts * 3)
    assert all(np.array_equal(a, b) for a, b in zip(alone * 3, together))
    batches = [[t, t + "。"] for t in texts[:6]]
    alone = [model.embed_passages(b) for b in batches]
    together = at_once(model.embed_passages, batches * 2)
    assert all(np.array_equal(a, b) for a, b in zip(alone * 2, together))


def test_questions_asked_at_once_get_the_answers_asked_one_by_one(sample_assistant, sample_store):
    questions = gold_questions(16)
    one_by_one = [same_answer(sample_assistant.ask(q)) for q in questions]
    fresh = Assistant(store=sample_store)  # its own query memory: every question is embedded again, at once
    together = at_once(lambda q: same_answer(fresh.ask(q)), questions * 2)
    assert together == one_by_one * 2
    assert any(a["refused"] for a in one_by_one) and not all(a["refused"] for a in one_by_one)


def test_serve_concurrency_is_a_setting_that_runs_several_answers_at_once_by_default(monkeypatch):
    assert Settings().serve_concurrency > 1  # Gradio's own default of 1 would answer one user at a time
    monkeypatch.setenv("ASSISTANT_SERVE_CONCURRENCY", "3")
    assert load_settings().serve_concurrency == 3
    monkeypatch.setenv("ASSISTANT_SERVE_CONCURRENCY", "0")
    with pytest.raises(ConfigError, match="serve_concurrency"):
        load_settings()


@pytest.fixture
def served(sample_store, tmp_path):
    """launch_app on a private copy of the sample store with serve_concurrency 3; yields (app, url, assistant)."""
    from tests.conftest import free_port
    from ui.app import launch_app

    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    assistant = Assistant(settings=load_settings(store=store).model_copy(update={"serve_concurrency": 3}))
    port = free_port()
    demo = launch_app(assistant, "127.0.0.1", port)
    try:
        yield demo, f"http://127.0.0.1:{port}", assistant
    finally:
        demo.close()


def ask_over_http(url: str, question: str) -> dict:
    """One question through Gradio's HTTP API (POST /gradio_api/call/ask, then its event stream)."""
    import httpx

    with httpx.Client(base_url=url, timeout=120) as http:
        params = http.get("/gradio_api/info").raise_for_status().json()["named_endpoints"]["/ask"]["parameters"]
        data = [question, *(p.get("parameter_default") for p in params[1:])]
        event_id = http.post("/gradio_api/call/ask", json={"data": data}).raise_for_status().json()["event_id"]
        kind = None
        with http.stream("GET", f"/gradio_api/call/ask/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    assert kind == "complete", line
                    text, answer = json.loads(line[5:].strip())
                    return {"text": text, **{k: v for k, v in answer.items() if k != "id"}}
    raise AssertionError("the event stream ended without an answer")


def test_the_server_answers_users_at_once_as_it_answers_them_alone(served):
    demo, url, assistant = served
    assert demo._queue.default_concurrency_limit == 3  # the setting reaches Gradio's queue
    fns = {fn.name: fn for fn in demo.fns.values()}
    assert fns["ask_api"].concurrency_limit == "default"  # /ask follows the setting
    writes = [fns["ingest"], fns["remove"]]  # uploads and deletions stay one at a time, together
    assert all(fn.concurrency_limit == 1 for fn in writes) and len({fn.concurrency_id for fn in writes}) == 1
    questions = gold_questions(6)
    alone = [ask_over_http(url, q) for q in questions]
    together = at_once(lambda q: ask_over_http(url, q), questions * 2, threads=6)
    assert together == alone * 2
    assert [a["answer"] for a in alone] == [assistant.ask(q).answer for q in questions]
