"""Chinese everywhere, for every browser: Gradio's own words follow the browser's language, so an English
browser must still get a Chinese page; inputs have accessible names; an error toast says what to do in Chinese."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

# browser and server are the chat tests' fixtures (one server on a copy of the sample store)
from tests.test_ui_browser import browser, server, shot, store  # noqa: E402,F401

pytestmark = [pytest.mark.server, pytest.mark.browser]

ENGLISH_UI = re.compile(r"Drop File Here|Click to Upload|Loading|Error|Submit|Clear")


@pytest.fixture
def english_page(browser, server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server)
    expect(page.locator("#chat")).to_be_visible()
    yield page
    context.close()


def test_an_english_browser_gets_gradios_own_words_in_chinese(english_page):
    page = english_page
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.get_by_role("tab", name="文档").click()
    upload = page.locator("#upload")
    expect(upload).to_contain_text("拖放")
    assert not ENGLISH_UI.search(upload.inner_text())


def test_inputs_have_chinese_accessible_names(english_page):
    page = english_page
    expect(page.get_by_label("问题", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="发送")).to_be_visible()


def test_a_mistake_is_one_chinese_toast_without_red_overlays(english_page):
    page = english_page
    page.get_by_role("tab", name="文档").click()
    page.locator("#ingest").click()  # nothing chosen
    toast = page.locator(".toast-body").first
    expect(toast).to_contain_text("请先选择要上传的文件")
    title = page.locator(".toast-title.warning").first
    assert title.evaluate("el => getComputedStyle(el, '::before').content") == '"请注意"'
    assert title.evaluate("el => getComputedStyle(el).fontSize") == "0px"  # Gradio's English "Warning" is not shown
    expect(page.get_by_text("错误", exact=True)).to_have_count(0)  # no red overlay on the tab's components
    shot(page, "toast-chinese.png")
