"""A shared deployment end to end: a real PostgreSQL (tests/postgres.py: initdb in a temp dir, a free port) holds the catalog and
keyword index, a real `chroma run` the vectors; two `assistant serve` processes and an `assistant ingest`
run against it at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, free_port
from tests.postgres import new_database

pytestmark = pytest.mark.server

CHROMA = Path(sys.executable).parent / "chroma"
DEV_ARTICLE = ROOT / "evals" / "corpus" / "dev" / "dev1_02_songwennuan_yichang_2024.txt"
NEW_QUESTION = "宜昌2024年送温暖资金有多少？"  # answered only by DEV_ARTICLE


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma")), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _env(store: Path, postgres: str, chroma: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_STORE=str(store), ASSISTANT_CATALOG_URL=postgres, ASSISTANT_CHROMA_URL=chroma,
               ASSISTANT_CONFIG=str(store.parent / "no-config.toml"), GRADIO_ANALYTICS_ENABLED="False",
               ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    return env


def assistant(*args: str, env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def deployment(postgres, chroma, sample_store, tmp_path_factory):
    """The sample ingested through `assistant ingest --catalog-url … --chroma-url …` (the sample's embedding
    cache copied, as each host keeps its own). Yields the env every process of the deployment uses."""
    store = tmp_path_factory.mktemp("host") / "store"
    store.mkdir()
    shutil.copy(sample_store / "embeddings.sqlite", store / "embeddings.sqlite")
    env = _env(store, postgres, chroma)
    out = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(SAMPLE), "--quiet", "--catalog-url",
                          postgres, "--chroma-url", chroma], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    return env


def _serve(env: dict, log: Path):
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli.serve", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}/"


def _wait_up(proc, url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, f"server exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"server not up:\n{log.read_text()}"
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)


def _gold(n: int) -> list[str]:
    lines = (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


def test_two_servers_and_an_ingest_share_one_deployment(deployment, sample_assistant, tmp_path):
    from gradio_client import Client

    servers = [_serve(deployment, tmp_path / f"serve{i}.log") for i in range(2)]
    try:
        for i, (proc, url) in enumerate(servers):
            _wait_up(proc, url, tmp_path / f"serve{i}.log")
        clients = [Client(url, verbose=False) for _, url in servers]
        questions = _gold(12)
        embedded = [sample_assistant.ask(q).answer for q in questions]
        # an ingest of a new article while both serve: neither is blocked, both keep answering
        ingest = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(DEV_ARTICLE), "--quiet"],
                                  cwd=ROOT, env=deployment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answered_during = 0
        for q, want in zip(questions, embedded):
            for client in clients:
                text, answer = client.predict(q, api_name="/ask")
                assert answer["answer"] == want, q  # identical to the embedded store's answer
                answered_during += ingest.poll() is None
        out, err = ingest.communicate(timeout=600)
        assert ingest.returncode == 0, err
        assert answered_during > 0  # some answers were given while the ingest ran
        for client in clients:  # the new article is answerable from both servers without a restart
            text, answer = client.predict(NEW_QUESTION, api_name="/ask")
            assert not answer["refused"] and "3150万元" in answer["answer"], text
            assert answer["citations"][0]["source"].endswith(DEV_ARTICLE.name)
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=15)
    doctor = assistant("doctor", env=deployment)
    assert doctor.returncode == 0 and "没有发现问题" in doctor.stdout, doctor.stdout + doctor.stderr


def test_a_killed_ingest_leaves_the_postgres_catalog_consistent(postgres, chroma, sample_store, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    env = {**_env(store, new_database(postgres, "crash"), chroma)}
    ingest = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(SAMPLE), "--quiet"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import psycopg

    with psycopg.connect(env["ASSISTANT_CATALOG_URL"], autocommit=True) as conn:
        deadline = time.monotonic() + 300
        while ingest.poll() is None and time.monotonic() < deadline:  # kill once the first document is written
            if conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0] and \
                    conn.execute("SELECT count(*) FROM documents WHERE status = 'ready'").fetchone()[0] >= 1:
                break
            time.sleep(0.02)
    ingest.kill()
    ingest.wait()
    before = assistant("doctor", "--repair", env=env)
    assert "Traceback" not in before.stderr, before.stderr
    again = assistant("ingest", str(SAMPLE), "--quiet", env=env)
    assert again.returncode == 0, again.stderr
    doctor = assistant("doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    stats = json.loads(assistant("stats", "--json", env=env).stdout)
    with psycopg.connect(env["ASSISTANT_CATALOG_URL"], autocommit=True) as conn:
        dupes = conn.execute("SELECT count(*) - count(DISTINCT id) FROM chunks").fetchone()[0]
        keyword_rows = conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    assert stats["documents"] == 5 and dupes == 0 and keyword_rows == stats["chunks"]


def test_an_unreachable_catalog_server_is_one_clear_message(tmp_path):
    url = f"postgresql://app@127.0.0.1:{free_port()}/assistant"
    start = time.monotonic()
    out = assistant("stats", "--catalog-url", url, env=_env(tmp_path / "s", url, "http://127.0.0.1:1"))
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "连不上 PostgreSQL" in out.stderr and url in out.stderr and time.monotonic() - start < 15
    bad = assistant("stats", "--catalog-url", "mysql://x", env=_env(tmp_path / "s", url, "http://127.0.0.1:1"))
    assert bad.returncode != 0 and "postgresql://" in bad.stderr and "Traceback" not in bad.stderr
