"""Knowledge bases in the chat, end to end: chosen per conversation, shown in the 已筛选 badge, kept on
reload, and the upload's target knowledge base on the 文档 tab."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from assistant import Assistant  # noqa: E402
from tests.conftest import SAMPLE  # noqa: E402
# browser and page are the chat tests' fixtures (page opens this module's server)
from tests.test_ui_admin_browser import pick  # noqa: E402
from tests.test_ui_browser import SHIFANG, UI_DATA, ask, browser, open_page, page, serving, shot  # noqa: E402,F401

pytestmark = [pytest.mark.server, pytest.mark.browser]

NANCHANG_FILE = "001_2027b2049f37b8e8.txt"


@pytest.fixture(scope="module")
def store(sample_store, tmp_path_factory) -> Path:
    """The sample store with the 南昌 article moved into knowledge base 培训资料 (no embedding: cached)."""
    dest = tmp_path_factory.mktemp("ui-kb") / "store"
    shutil.copytree(sample_store, dest)
    Assistant(store=dest).ingest([SAMPLE / NANCHANG_FILE], kb="培训资料")
    return dest


@pytest.fixture(scope="module")
def server(store) -> str:
    with serving(store, store.parent / "server.log") as url:
        yield url


def test_a_conversation_keeps_its_knowledge_base_and_answers_only_from_it(page, server):
    page.locator("#filters").get_by_text("筛选范围").click()
    pick(page, "#filter-kbs", "培训资料")
    expect(page.locator("#filter-badge")).to_contain_text("已筛选：知识库 培训资料")
    ask(page, SHIFANG, 1)
    answer = page.locator("#chat .qa-answer").last
    expect(answer).to_contain_text("资料中没有找到")
    expect(answer).to_contain_text("可能把含有答案的文章排除在外")
    shot(page, "kb-scoped-refusal.png")

    page.reload()
    expect(page.locator("#filter-badge")).not_to_contain_text("培训资料")  # a new chat opens unfiltered
    page.locator("#conversations label").first.click()
    expect(page.locator("#chat .qa-answer")).to_have_count(1)
    expect(page.locator("#filter-badge")).to_contain_text("已筛选：知识库 培训资料")  # …and this one as it was

    page.locator("#clear-filters").click()
    expect(page.locator("#filter-badge")).not_to_contain_text("知识库")
    ask(page, SHIFANG, 2)
    expect(page.locator("#chat .qa-answer").last).to_contain_text("54家")


def test_an_upload_goes_into_the_knowledge_base_named_and_the_table_says_which(page):
    page.get_by_role("tab", name="文档").click()
    expect(page.locator("#documents")).to_contain_text("培训资料")
    page.locator("#upload-kb input").fill("2024年新闻")
    page.locator("#upload-kb input").press("Enter")
    page.locator("#upload input[type=file]").set_input_files(str(UI_DATA / "测试县职工书屋.txt"))
    page.locator("#ingest").click()
    expect(page.locator("#ingest-report")).to_contain_text("测试县职工书屋.txt", timeout=120_000)
    row = page.locator("#documents tr", has_text="测试县")
    expect(row.locator("td.kb")).to_have_text("2024年新闻")
    shot(page, "kb-documents.png")
