"""The chat's conversations and answer tools end to end: a real `python -m cli.serve` over a copy of the sample
store, driven by Debian's chromium. Conversations that outlive a reload (open, new, rename, delete, export as
Markdown and DOCX), regenerate / edit the last question, stop, the related questions, the chat tools on a
phone, and dark mode's contrast on desktop and phone.

Screenshots land in test-artifacts/ui/conv-*.png; docs/screenshot-dark.png, screenshot-mobile.png and
screenshot-mobile-dark.png are copies of conv-dark.png, conv-mobile.png and conv-mobile-dark.png.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.test_ui_browser import (FIRST_ANSWER_MS, SHIFANG, WUHAN, ask, browser, free_port, open_page, page, server,  # noqa: E402,F401
                                   serving, shot, store)  # browser, page, server, store: fixtures
from tests.test_ui_theme_browser import CONTRAST  # noqa: E402

pytestmark = [pytest.mark.server, pytest.mark.browser]

XUYI = "盱眙县总工会上半年新建工会多少家？"  # answered with 32家
SHIFANG_TITLE = "以“355 工作法”深耕工会“责任田”"  # the article SHIFANG's answer cites
CONVERSATIONS = "#conversations label"


def asked(page: Page, question: str, nth: int) -> None:
    """ask(), then wait for the step after the answer (storing it, listing it, the related questions) to end:
    clicking in the list meanwhile would race it."""
    ask(page, question, nth)
    expect(page.locator(f"{CONVERSATIONS}.selected")).to_have_count(1)
    settled(page)


def settled(page: Page) -> None:
    """No event still running: Gradio shows a status tracker on each output of a running event (and
    `.pending` only while it is queued)."""
    expect(page.locator("[data-testid=status-tracker]:not(.hide)")).to_have_count(0)


def conversation(page: Page, text: str):
    """The sidebar entry whose label contains text."""
    return page.locator(CONVERSATIONS).filter(has_text=text)


def download(page: Page, selector: str) -> bytes:
    """The file behind the download link in a gr.File, fetched with the page's own session."""
    link = page.locator(f"{selector} a[href]").first
    expect(link).to_be_visible()
    return page.request.get(link.get_attribute("href")).body()


def open_tools(page: Page) -> None:
    tools = page.locator("#conversation-tools")
    if not tools.locator("#conv-rename").is_visible():
        tools.get_by_text("管理当前对话").click()
    expect(page.locator("#conv-rename")).to_be_visible()


def test_a_conversation_outlives_a_reload_and_reopens_with_its_citations(page):
    asked(page, XUYI, 1)
    expect(page.locator("#chat .qa-answer").last).to_contain_text("32家")
    expect(page.locator(f"{CONVERSATIONS}.selected")).to_contain_text(XUYI)
    page.reload()
    expect(page.locator("#chat")).to_be_visible()
    expect(conversation(page, XUYI)).to_have_count(1)
    expect(page.locator("#chat .qa-answer")).to_have_count(0)  # a fresh chat beside the stored ones
    conversation(page, XUYI).click()
    bubble = page.locator("#chat .qa-answer")
    expect(bubble).to_have_count(1)
    expect(bubble).to_contain_text("32家")
    expect(bubble.locator("a.cite-chip").first).to_be_visible()
    expect(page.locator("#chat .user")).to_contain_text(XUYI)
    card = page.locator("#sources #src-0-1")
    expect(card.locator(".src-title")).not_to_be_empty()
    expect(card.locator(".src-passage mark.hl")).to_contain_text("32家")
    shot(page, "conv-reopened.png")


def test_new_rename_export_and_delete_a_conversation(page, store):
    asked(page, SHIFANG, 1)
    before = page.locator(CONVERSATIONS).count()
    open_tools(page)
    page.locator("#conv-title textarea").fill("什邡新就业形态工会")
    page.locator("#conv-rename").click()
    expect(page.locator(f"{CONVERSATIONS}.selected")).to_contain_text("什邡新就业形态工会")
    expect(page.locator("#conv-title textarea")).to_have_value("")

    page.locator("#conv-export").click()  # Markdown is the default format
    md = download(page, "#conv-file").decode("utf-8")
    assert "什邡新就业形态工会" in md and SHIFANG in md and "54家" in md, md
    assert SHIFANG_TITLE in md and "000_e5d006b3dd77aca2.txt" in md, md
    page.locator("#conv-format").get_by_text("DOCX").click()
    page.locator("#conv-export").click()
    expect(page.locator("#conv-file a[href$='.docx']")).to_be_visible()
    import docx

    document = docx.Document(io.BytesIO(download(page, "#conv-file")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert SHIFANG in text and "54家" in text and SHIFANG_TITLE in text, text
    for exported in (md, text):
        assert "/tmp/" not in exported and str(store) not in exported and "/work/" not in exported

    page.locator("#new-chat").click()
    expect(page.locator("#chat .qa-answer")).to_have_count(0)
    expect(page.locator("#sources .src-empty")).to_be_visible()
    expect(page.locator(f"{CONVERSATIONS}.selected")).to_have_count(0)
    asked(page, XUYI, 1)
    expect(page.locator(CONVERSATIONS)).to_have_count(before + 1)  # a conversation of its own
    conversation(page, "什邡新就业形态工会").click()
    expect(page.locator("#chat .qa-answer")).to_contain_text("54家")

    open_tools(page)
    page.locator("#conv-delete").click()
    expect(page.locator("#conv-confirm")).to_be_visible()  # deleting asks first
    page.locator("#conv-confirm-no").click()
    expect(page.locator("#conv-confirm")).to_be_hidden()
    expect(conversation(page, "什邡新就业形态工会")).to_have_count(1)
    page.locator("#conv-delete").click()
    page.locator("#conv-confirm-yes").click()
    expect(conversation(page, "什邡新就业形态工会")).to_have_count(0)
    expect(page.locator("#chat .qa-answer")).to_have_count(0)
    expect(page.locator("#conv-confirm")).to_be_hidden()
    page.reload()
    expect(page.locator(CONVERSATIONS)).to_have_count(before)  # gone for good; the other one stays
    expect(conversation(page, "什邡新就业形态工会")).to_have_count(0)


def test_regenerate_and_edit_replace_the_last_turn(page):
    asked(page, SHIFANG, 1)
    asked(page, XUYI, 2)
    title = page.locator(f"{CONVERSATIONS}.selected").inner_text()
    count = page.locator(CONVERSATIONS).count()
    page.locator("#regenerate").click()
    expect(page.locator("#chat .qa-answer:not(.qa-streaming)")).to_have_count(2, timeout=FIRST_ANSWER_MS)
    settled(page)
    expect(page.locator("#chat .qa-answer").last).to_contain_text("32家")
    expect(page.locator(CONVERSATIONS)).to_have_count(count)

    page.locator("#edit-last").click()
    expect(page.locator("#question textarea")).to_have_value(XUYI)  # the last question back in the box
    expect(page.locator("#chat .qa-answer")).to_have_count(1)  # its turn off the chat until sent again
    edited = "那南昌呢？"
    page.locator("#question textarea").fill(edited)
    page.keyboard.press("Enter")
    expect(page.locator("#chat .qa-answer:not(.qa-streaming)")).to_have_count(2, timeout=FIRST_ANSWER_MS)
    settled(page)
    expect(page.locator("#chat .user").last).to_contain_text(edited)
    expect(page.locator("#sources #turn-1 .src-resolved")).to_contain_text("南昌")

    page.reload()  # stored as edited: two turns, the edited question in place of the old one
    expect(page.locator("#chat")).to_be_visible()
    page.locator(CONVERSATIONS).filter(has_text=title.split("　")[0]).first.click()
    expect(page.locator("#chat .qa-answer")).to_have_count(2)
    expect(page.locator("#chat .user")).to_have_count(2)
    expect(page.locator("#chat .user").last).to_contain_text(edited)
    expect(page.locator("#chat")).not_to_contain_text(XUYI)


def test_related_questions_are_offered_and_each_one_is_answered(page):
    asked(page, SHIFANG, 1)
    related = page.locator("#related .gallery-item")
    expect(page.locator("#related")).to_be_visible()
    expect(page.locator("#related")).to_contain_text("你可能还想问")
    suggestions = [s.strip() for s in related.all_inner_texts()]
    assert 1 <= len(suggestions) <= 3 and SHIFANG not in suggestions, suggestions
    related.first.click()
    expect(page.locator("#chat .qa-answer:not(.qa-streaming)")).to_have_count(2, timeout=FIRST_ANSWER_MS)
    expect(page.locator("#chat .user").last).to_contain_text(suggestions[0])
    last = page.locator("#chat .qa-answer").last
    expect(last.locator("a.cite-chip").first).to_be_visible()
    expect(page.locator("#chat .qa-refusal")).to_have_count(0)
    expect(page.locator("#sources #src-1-1")).to_be_visible()
    shot(page, "conv-related.png")


def _phone(browser, url: str, dark: bool = False) -> Page:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(url + ("?__theme=dark" if dark else ""))
    expect(page.locator("#chat")).to_be_visible()
    return page


def test_on_a_phone_the_chat_tools_wrap_inside_the_screen_and_sources_sit_below(browser, server):
    page = _phone(browser, server)
    asked(page, SHIFANG, 1)
    expect(page.locator("#related")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = {sel: page.locator(sel).bounding_box()
             for sel in ("#stop", "#regenerate", "#edit-last", "#chat-tools .chat-hint", "#send", "#related",
                         "#chat", "#new-chat", "#conversations")}
    for sel, box in boxes.items():
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5, (sel, box)
    tools = page.evaluate("(() => { const r = document.querySelector('#chat-tools');"
                          " return [r.scrollWidth, r.clientWidth]; })()")
    assert tools[0] <= tools[1], tools  # nothing cut off inside the row
    assert boxes["#chat-tools .chat-hint"]["y"] > boxes["#stop"]["y"] + 5  # the hint wrapped below the buttons
    chat, sources = page.locator("#chat").bounding_box(), page.locator("#sources").bounding_box()
    assert sources["y"] >= chat["y"] + chat["height"] - 1  # the sources panel sits below the chat
    page.locator("#chat-tools").scroll_into_view_if_needed()
    shot(page, "conv-mobile.png")
    page.context.close()


def dark_contrasts(page: Page) -> dict[str, float]:
    selectors = ("#chat .qa-answer .qa-text", "#chat .qa-sources li span", "#chat .qa-date", "#chat .user .message-content",
                 "#sources #src-0-1 .src-title", "#sources #src-0-1 .src-meta", "#sources #src-0-1 .src-passage",
                 "#sources #src-0-1 .src-passage mark.hl", "#sources .src-q", "#related .gallery-item",
                 "#conversations label.selected span", "#chat-tools .chat-hint")
    return {sel: page.evaluate(CONTRAST, sel) for sel in selectors if page.locator(sel).count()}


@pytest.mark.parametrize("width", [1440, 390])
def test_dark_mode_answers_and_citation_cards_are_readable(browser, server, width):
    if width == 390:
        page = _phone(browser, server, dark=True)
    else:
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        page = ctx.new_page()
        page.goto(server + "?__theme=dark")
        expect(page.locator("#chat")).to_be_visible()
    assert page.evaluate("!!document.querySelector('.dark')")
    asked(page, SHIFANG, 1)
    expect(page.locator("#related")).to_be_visible()
    ratios = dark_contrasts(page)
    print(width, ratios)
    assert len(ratios) >= 10, ratios
    low = {sel: round(r, 2) for sel, r in ratios.items() if r < 4.5}
    assert not low, low
    if width == 390:  # on a phone the conversation list comes first: show the answer
        page.locator("#chat").evaluate("e => e.scrollIntoView()")
    shot(page, "conv-dark.png" if width == 1440 else "conv-mobile-dark.png")
    page.context.close()


# -- stop: a slow model, so there is an answer in progress to stop --

ANSWER = "全市建立新就业形态工会组织54家"


class SlowModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint: SHIFANG is answered with one cited sentence streamed a character every
    0.3 s; anything else (the example and related questions the app tries) is refused at once."""

    finished = threading.Event()  # a slow answer was written out, or the app hung up on it

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        context, _, question = prompt.rpartition("问题：")
        n = next((m.group(1) for m in re.finditer(r"\[(\d+)\][^\[]*", context) if ANSWER in m.group(0)), "1")
        pieces = [*ANSWER, f"。[{n}]"] if SHIFANG in question else ["资料中没有找到相关内容。"]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            for piece in pieces:
                chunk = {"id": "slow", "object": "chat.completion.chunk", "created": int(time.time()), "model": "slow",
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.3 if len(pieces) > 1 else 0)
            self.wfile.write(b"data: [DONE]\n\n")
        except OSError:
            pass  # the app hung up
        finally:
            if len(pieces) > 1:
                SlowModel.finished.set()


@pytest.fixture(scope="module")
def slow_server(sample_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("slow-ui")
    shutil.copytree(sample_store, folder / "store")  # its own: conversations are stored in the store
    model = ThreadingHTTPServer(("127.0.0.1", free_port()), SlowModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    (folder / "no-config.toml").write_text(  # serving() points ASSISTANT_CONFIG here
        f'answerer = "llm"\nllm_base_url = "http://127.0.0.1:{model.server_port}/v1"\nllm_model = "slow"\n',
        encoding="utf-8")
    with serving(folder / "store", folder / "server.log") as url:
        yield url
    model.shutdown()


def test_stop_ends_an_answer_in_progress_and_keeps_nothing_of_it(browser, slow_server):
    page = open_page(browser, slow_server)
    expect(page.locator("#chat")).to_be_visible()
    settled(page)
    stored = page.locator(CONVERSATIONS).count()
    page.locator("#question textarea").fill(SHIFANG)
    SlowModel.finished.clear()
    page.keyboard.press("Enter")
    streaming = page.locator("#chat .qa-streaming .qa-text")
    expect(streaming).to_contain_text("全市", timeout=FIRST_ANSWER_MS)  # the model is writing
    page.locator("#stop").click()
    expect(page.get_by_text("已停止回答。")).to_be_visible()
    expect(page.locator("#chat .qa-answer")).to_have_count(0)
    assert SlowModel.finished.wait(15)  # the model is done with it (or was hung up on)...
    time.sleep(0.5)
    expect(page.locator("#chat .qa-answer")).to_have_count(0)  # ...and nothing of it came back
    expect(page.locator(CONVERSATIONS)).to_have_count(stored)  # nor was it stored
    asked(page, WUHAN, 1)  # the chat still works after a stop (this one the model refuses at once)
    expect(page.locator("#chat .qa-refusal")).to_have_count(1)
    expect(page.locator(CONVERSATIONS)).to_have_count(stored + 1)
    page.context.close()
