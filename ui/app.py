"""The Gradio Blocks app: chat with cited sources, filters, documents and feedback, all through the Assistant API.

>>> from ui.app import build_app, launch_options
>>> build_app(Assistant(store=DIR)).launch(**launch_options())

or, as `assistant serve` does it: `launch_app(Assistant(store=DIR), "127.0.0.1", 7860).block_thread()`.
"""

# No `from __future__ import annotations`: gr.api reads ask_api's real annotations to describe /ask.
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import gradio as gr
from starlette.middleware import Middleware

from assistant import (DEFAULT_KB, Answer, Assistant, AssistantError, ConfigError, EmptyStoreError, kb_names,
                       open_conversations)
from ui import notices as notice
from ui import render
from ui.admin import AdminGate, Workbench
from ui.audit import FILE_NAME as AUDIT_FILE
from ui.audit import AuditLog, audited_check
from ui.conversations_panel import EXPORT_CHOICES, ConversationsPanel, user_of
from ui.filters import filter_badge, make_filters
from ui.brief_tab import build_brief_tab
from ui.eval_tab import build_eval_tab
from ui.gold_tab import build_gold_editor, feedback_choices
from ui.hit_test_tab import build_hit_test_tab
from ui.feedback import FILE_NAME, FeedbackLog, export_feedback, make_record, summary
from ui.chinese_locale import ChineseLocaleMiddleware
from ui.login_throttle import AddressThrottleMiddleware, LoginThrottle, throttled_check
from ui.render import Turn
from ui.upload import results_table_html, stage_bar

log = logging.getLogger(__name__)


def user_error(problem: Exception | str) -> gr.Error:
    """A mistake the user can fix: shown as its Chinese message, logged as one line, no traceback."""
    log.info("user error: %s", problem)
    return notice.error(str(problem))

def mistake(message: str, outputs: int) -> tuple:
    """A mistake on the 文档 tab: said once in a toast, every output left as it was (a raised error would
    put a red 错误 overlay on each of them)."""
    notice.warning(message)
    return (gr.skip(),) * outputs


INGEST_OUTPUTS, REMOVE_OUTPUTS = 9, 8  # the report / document view, the upload box, and the corpus views

STATIC = Path(__file__).resolve().parent / "static"
# Uploads and deletions write the store: one at a time, whatever serve_concurrency lets answers do.
WRITES = {"concurrency_limit": 1, "concurrency_id": "store-writes"}
TITLE = "工会问答助手"
EMPTY_STORE = "资料库里还没有文档：请先到「文档」页上传文件并点「导入」。"

PLACEHOLDER = (
    "### 你好！我是工会问答助手\n"
    "我只根据已导入的工会新闻资料作答，每句回答都标有出处 [n]，点一下就能看到原文。\n"
    "资料里没有的内容，我会直接告诉你没有找到。"
)


def history(turns: list[Turn]) -> list[dict]:
    """The chat so far as plain {"role", "content"} dicts for follow-up questions; failed turns are left out."""
    out = []
    for t in turns:
        if t.answer is not None:
            out += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer.answer}]
    return out


def chat_messages(turns: list[Turn], pending: str = "", pending_html: str = "") -> list[dict]:
    """Chatbot messages: two per turn (so message index // 2 is the turn), plus a question in progress."""
    msgs = []
    for i, t in enumerate(turns):
        bot = render.answer_html(t.answer, i) if t.answer is not None else render.error_html(t.error)
        msgs += [{"role": "user", "content": render.esc(t.question)}, {"role": "assistant", "content": bot}]
    if pending:
        msgs += [{"role": "user", "content": render.esc(pending)}, {"role": "assistant", "content": pending_html}]
    return msgs


class ChatApp:
    """The event handlers; holds the Assistant and the feedback log shared by every browser session."""

    def __init__(self, assistant: Assistant, feedback: FeedbackLog | None = None,
                 uploads: Path | None = None, gate: AdminGate | None = None) -> None:
        self.a = assistant
        store_dir = Path(assistant.settings.store).expanduser()
        self.feedback = feedback or FeedbackLog(store_dir / FILE_NAME)
        self.uploads = uploads or store_dir / "uploads"
        self.gate = gate or AdminGate(None)
        self.audit = AuditLog(store_dir / AUDIT_FILE)
        self.conversations = ConversationsPanel(open_conversations(store_dir, assistant.settings.catalog_url))

    # -- chat --
    def respond(self, question: str, turns: list[Turn], sources: list[str] | None,
                date_from: str, date_to: str, kbs: list[str] | None = None) -> Iterator[tuple]:
        """Stream one answer: (chatbot, turns, sources panel, question box) after each piece."""
        question = (question or "").strip()
        try:
            filters = make_filters(sources, date_from, date_to, kbs)
        except ConfigError as exc:
            notice.warning(f"{exc}（见上方筛选范围）")
            question = ""
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield chat_messages(turns, question, render.thinking_html()), gr.skip(), gr.skip(), ""
        answer, error, text = None, "", ""
        try:
            for item in self.a.ask_stream(question, history(turns), filters):
                if isinstance(item, Answer):
                    answer = item
                else:
                    text += item
                    yield chat_messages(turns, question, render.streaming_html(text)), gr.skip(), gr.skip(), ""
        except EmptyStoreError:
            error = EMPTY_STORE
        except AssistantError as exc:
            log.warning("question failed: %s", exc)
            error = str(exc)
        turns = turns + [Turn(question, answer, error)]
        yield chat_messages(turns), turns, self.sources_panel(turns), ""

    def sources_panel(self, turns: list[Turn]) -> str:
        cited = {(c.source, c.start, c.end) for t in turns if t.answer for c in t.answer.citations}
        return render.sources_panel(turns, {(s, a): self.a.excerpt(s, a, b) for s, a, b in cited})

    # -- conversations --
    def _shown(self, turns: list[Turn]) -> tuple:
        return chat_messages(turns), turns, self.sources_panel(turns)

    def restore(self, request: gr.Request) -> tuple:
        """On page load: a fresh chat beside the user's stored conversations (as chat apps open), any of
        which reopens as it was left."""
        return (*self._shown([]), None, self.conversations.listing(user_of(request), None))

    def open_conversation(self, conversation: str | None, request: gr.Request) -> tuple:
        """Reopen a conversation as it was left, in the knowledge bases it was asking."""
        user = user_of(request)
        turns = self.conversations.turns(user, conversation)
        return (*self._shown(turns), conversation, gr.update(samples=[], visible=False),
                self.conversations.knowledge_bases(user, conversation))

    def remember(self, turns: list[Turn], conversation: str | None, replace: bool, kbs: list[str] | None,
                 request: gr.Request) -> tuple:
        """After an answer: store it and refresh the list, at once (the follow-ups come after, in `suggest`:
        they ask questions, and an edit or regenerate clicked meanwhile must not find replace_next reset late)."""
        user = user_of(request)
        conversation = self.conversations.remember(user, conversation, turns, replace, kbs)
        return conversation, self.conversations.listing(user, conversation), False

    def suggest(self, turns: list[Turn]) -> dict:
        """Up to three answerable follow-ups to the last answer."""
        last = turns[-1].answer if turns else None
        related = self.a.related_questions(last) if last is not None else []
        return gr.update(samples=[[q] for q in related], visible=bool(related))

    def take_last(self, turns: list[Turn]) -> tuple:
        """Regenerate / edit: the last question back in the box, its turn off the chat until answered again."""
        if not turns:
            raise user_error("还没有可以重新生成或编辑的问题。")
        last, rest = turns[-1], turns[:-1]
        return last.question, rest, chat_messages(rest), last.answer is not None

    def stopped(self, turns: list[Turn]) -> tuple:
        notice.info("已停止回答。")
        return chat_messages(turns), ""

    def rename_conversation(self, conversation: str | None, title: str, request: gr.Request) -> tuple:
        user = user_of(request)
        self.conversations.rename(user, conversation, title)
        return self.conversations.listing(user, conversation), ""

    def delete_conversation(self, conversation: str | None, request: gr.Request) -> tuple:
        user = user_of(request)
        self.conversations.delete(user, conversation)
        notice.info("对话已删除。")
        return (*self.restore(request), gr.update(visible=False))

    def export_conversation(self, conversation: str | None, fmt: str, request: gr.Request) -> str:
        return self.conversations.export(user_of(request), conversation, fmt)

    @staticmethod
    def new_chat() -> tuple:
        return ([], [], render.SOURCES_PLACEHOLDER, None, gr.update(visible=False), None, gr.update(value=None),
                gr.update(samples=[], visible=False))

    def ask_api(self, question: str, kb: str = "") -> tuple[str, dict]:
        """Answer one question (in knowledge bases `kb`, comma-separated; empty: all): the answer text with
        its [n] markers and sources, and the answer as JSON."""
        try:
            answer = self.a.ask(question, filters=make_filters(None, None, None, kb_names(kb)))
        except AssistantError as exc:
            raise user_error(exc) from exc
        return render.plain_text(answer), answer.to_json()

    # -- feedback --
    def rate(self, turns: list[Turn], like: gr.LikeData, request: gr.Request) -> tuple:
        """A thumbs up/down on an answer is recorded at once; the comment box then opens for that answer."""
        index = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
        turn = turns[index // 2] if 0 <= index // 2 < len(turns) else None
        if turn is None or turn.answer is None or like.liked not in (True, False):
            return gr.skip(), gr.skip(), gr.skip()
        rating = "up" if like.liked else "down"
        self.feedback.append(make_record(turn.answer, rating, user=_user(request), history=history(turns[:index // 2])))
        note = "已记录：有帮助。" if rating == "up" else "已记录：没帮助。"
        return (index // 2, rating), gr.update(visible=True), f"{note}愿意的话，补充一句原因（可选）："

    def comment(self, target: tuple[int, str] | None, text: str, turns: list[Turn], request: gr.Request) -> tuple:
        if target is None or not (text or "").strip():
            return gr.skip(), gr.skip()
        turn_no, rating = target
        self.feedback.append(make_record(turns[turn_no].answer, rating, text, user=_user(request),
                                         history=history(turns[:turn_no])))
        notice.info("谢谢！意见已保存。")
        return "", gr.update(visible=False)

    def feedback_view(self) -> tuple[str, str]:
        records = self.feedback.read()
        return render.feedback_summary(summary(records), str(self.feedback.path)), render.feedback_table(records)

    def export(self, fmt: str) -> str:
        dest = Path(tempfile.mkdtemp(prefix="feedback-")) / f"feedback.{fmt}"
        return str(export_feedback(self.feedback.read(), dest))

    # -- documents --
    def corpus_views(self) -> tuple:
        """Everything that shows the store's contents: examples, filter choices, table, picker, stats."""
        rows = self.a.documents()
        choices = [(f"{render.doc_label(r.title, r.source)}（{r.date or render.NO_DATE}）", r.source) for r in rows]
        examples = [{"text": q} for q in self.a.example_questions()] if rows else []
        kbs = [k.name for k in self.a.knowledge_bases()]
        return (gr.update(examples=examples or None),
                gr.update(choices=choices), render.documents_table(rows),
                gr.update(choices=choices, value=None), render.stats_html(self.a.stats()),
                gr.update(choices=kbs), gr.update(choices=list(dict.fromkeys([DEFAULT_KB, *kbs]))))

    def ingest(self, files: list[str] | None, kb: str | None = None, request: gr.Request = None,
               progress=gr.Progress()) -> tuple:
        """Copy uploads under the store (their source paths must outlive Gradio's temp files) and ingest them."""
        self.gate.check(request)  # staff may ask, not change the store: the hidden controls' events still exist
        if not files:
            return mistake("请先选择要上传的文件。", INGEST_OUTPUTS)
        total, limit = sum(Path(f).stat().st_size for f in files), self.a.settings.max_upload_mb
        if total > limit * 2**20:
            return mistake(f"这次上传共 {total / 2**20:.1f} MB，超过单次上限 {limit} MB（设置项 max_upload_mb）；"
                           "请分几次上传。", INGEST_OUTPUTS)
        self.uploads.mkdir(parents=True, exist_ok=True)
        paths = [shutil.copy(f, self.uploads / Path(f).name) for f in files]

        try:  # the bar names each stage: 读取/清洗/向量化/写入 (ui/upload.py)
            report = self.a.ingest(paths, kb=(kb or "").strip() or None, on_stage=stage_bar(progress))
        except AssistantError as exc:
            log.info("upload refused: %s", exc)
            return mistake(str(exc), INGEST_OUTPUTS)
        self.audit.record("upload", user_of(request), files=[Path(p).name for p in paths],
                          ingested=len(report.ingested), rejected=len(report.rejected))
        return (results_table_html(report), None, *self.corpus_views())  # per file: 成功/跳过/失败, 原因, 片段数

    def remove(self, source: str | None, request: gr.Request = None) -> tuple:
        self.gate.check(request)
        if not source:
            return mistake("请先选择要删除的文档。", REMOVE_OUTPUTS)
        removed = self.a.remove(source)
        self.audit.record("delete", user_of(request), file=render.file_name(source), removed=removed)
        note = f"已删除 {render.file_name(source)}" if removed else f"{render.file_name(source)} 已不在资料库中"
        notice.info(note)
        return ("", *self.corpus_views())

    def view_document(self, source: str | None) -> str:
        row = next((r for r in self.a.documents() if r.source == source), None)
        if row is None:
            return ""
        return render.document_view(row.title, row.date, row.source, self.a.document_text(source) or "")


def pick_example(event: gr.SelectData) -> str:
    return event.value["text"]


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request else None


def build_app(assistant: Assistant, feedback: FeedbackLog | None = None, workbench: Workbench | None = None,
              roles: dict[str, frozenset[str]] | None = None) -> gr.Blocks:
    """The whole UI; launch it with `launch_options()`. `workbench`: the evaluators' tools (the eval tab and
    the gold editor need it); `roles`: user → roles when logins are on (admin tabs for admins only)."""
    gate = AdminGate(roles)
    app = ChatApp(assistant, feedback, gate=gate)
    private = {"api_visibility": "private"}
    with gr.Blocks(title=TITLE, fill_width=True) as demo:
        turns = gr.State([])
        conversation = gr.State(None)  # the open conversation's id; None until its first answer is stored
        replace_next = gr.State(False)  # the next answer replaces the last stored turn (regenerate / edit)
        feedback_target = gr.State(None)
        gr.HTML(render.HEADER)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                with gr.Row(equal_height=False, elem_id="chat-row"):
                    with gr.Column(scale=1, min_width=220, elem_id="conversations-col"):
                        new_chat = gr.Button("＋ 新对话", size="sm", elem_id="new-chat")
                        conv_list = gr.Radio(label="我的对话", choices=[], elem_id="conversations")
                        with gr.Accordion("管理当前对话", open=False, elem_id="conversation-tools"):
                            conv_title = gr.Textbox(label="新名称", placeholder="输入后点「改名」", elem_id="conv-title")
                            rename_btn = gr.Button("改名", size="sm", elem_id="conv-rename")
                            export_fmt = gr.Radio(EXPORT_CHOICES, value="md", label="导出格式", elem_id="conv-format")
                            export_btn = gr.Button("导出对话（含出处）", size="sm", elem_id="conv-export")
                            conv_file = gr.File(label="导出文件", interactive=False, height=80, elem_id="conv-file")
                            delete_btn = gr.Button("删除此对话", size="sm", variant="stop", elem_id="conv-delete")
                            with gr.Row(visible=False, elem_id="conv-confirm") as confirm_row:
                                confirm_delete = gr.Button("确认删除", size="sm", variant="stop", elem_id="conv-confirm-yes")
                                cancel_delete = gr.Button("取消", size="sm", elem_id="conv-confirm-no")
                    with gr.Column(scale=3, min_width=420):
                        with gr.Accordion("筛选范围（默认：全部资料）", open=False, elem_id="filters"):
                            with gr.Row():
                                f_kbs = gr.Dropdown(label="知识库（本对话只查这些，不选即全部）", multiselect=True,
                                                    choices=[], scale=2, elem_id="filter-kbs")
                                f_sources = gr.Dropdown(label="只在这些文档中查找", multiselect=True, choices=[],
                                                        scale=3, elem_id="filter-sources")
                                f_from = gr.DateTime(label="起始日期", include_time=False, type="string", scale=1,
                                                     elem_id="filter-from")
                                f_to = gr.DateTime(label="截止日期", include_time=False, type="string", scale=1,
                                                   elem_id="filter-to")
                        with gr.Row(elem_id="filter-badge-row"):
                            badge = gr.HTML(elem_id="filter-badge")
                            clear_filters = gr.Button("清除筛选", size="sm", visible=False, scale=0, min_width=90,
                                                      elem_id="clear-filters")
                        chatbot = gr.Chatbot(label="对话", elem_id="chat", show_label=False, height="62vh", min_height=420,
                                             render_markdown=False, buttons=[], placeholder=PLACEHOLDER,
                                             feedback_options=("Like", "Dislike"), autoscroll=True)
                        with gr.Group(visible=False, elem_id="feedback-box") as feedback_box:
                            feedback_note = gr.Markdown(elem_id="feedback-note")
                            with gr.Row():
                                feedback_text = gr.Textbox(label="反馈原因", show_label=False, placeholder="例如：数字不对 / 出处不相关",
                                                           scale=5, elem_id="feedback-text")
                                feedback_send = gr.Button("提交意见", scale=1, size="sm")
                        with gr.Row(elem_id="ask-row"):
                            question = gr.Textbox(label="问题", show_label=False, placeholder="输入问题，按回车发送",
                                                  scale=8, autofocus=True, elem_id="question", lines=1, max_lines=4)
                            send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
                        related = gr.Dataset(components=[question], samples=[], label="你可能还想问", visible=False,
                                             type="values", elem_id="related")
                        with gr.Row(elem_id="chat-tools"):
                            stop = gr.Button("■ 停止", size="sm", elem_id="stop", scale=0, min_width=80)
                            regenerate = gr.Button("↻ 重新生成", size="sm", elem_id="regenerate", scale=0, min_width=100)
                            edit_last = gr.Button("✎ 编辑上一问", size="sm", elem_id="edit-last", scale=0, min_width=110)
                            gr.HTML('<div class="chat-hint">点回答下方的赞 / 踩即可反馈；点回答中的编号可查看出处'
                                    '<span class="narrow-only">；出处显示在对话下方</span>。</div>')
                    with gr.Column(scale=2, min_width=340, elem_id="sources-col"):
                        gr.HTML('<div class="panel-title">来源与原文</div>')
                        sources_panel = gr.HTML(render.SOURCES_PLACEHOLDER, elem_id="sources")
            with gr.Tab("文档", id="docs"):
                stats = gr.HTML(elem_id="stats")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=320, visible=gate.open, elem_id="upload-col") as upload_col:
                        upload = gr.File(label="上传文件（.txt .md .html .docx .doc .wps .pdf .png .jpg .xlsx .csv，可多选）",
                                         file_count="multiple", elem_id="upload")
                        upload_kb = gr.Dropdown(label="导入到知识库（可输入新名称）", choices=[DEFAULT_KB], value=DEFAULT_KB,
                                                allow_custom_value=True, elem_id="upload-kb")
                        ingest_btn = gr.Button("导入", variant="primary", elem_id="ingest")
                        ingest_report = gr.HTML(elem_id="ingest-report")
                    with gr.Column(scale=3, min_width=420):
                        docs_table = gr.HTML(elem_id="documents")
                        with gr.Row(elem_id="doc-actions"):
                            doc_pick = gr.Dropdown(label="选择文档查看全文", choices=[], scale=3, elem_id="doc-pick")
                            remove_btn = gr.Button("删除", variant="stop", scale=1, visible=gate.open,
                                                   elem_id="remove-doc")
                        with gr.Row(visible=False, elem_id="remove-confirm") as remove_confirm:
                            gr.HTML('<div class="confirm-note">确定从资料库删除这篇文档吗？删除后它不再被引用。</div>')
                            remove_yes = gr.Button("确认删除", variant="stop", size="sm", elem_id="remove-yes")
                            remove_no = gr.Button("取消", size="sm", elem_id="remove-no")
                        doc_view = gr.HTML(elem_id="doc-view")
            with gr.Tab("课程素材", id="brief"):
                build_brief_tab(lambda: assistant)
            with gr.Tab("反馈", id="feedback", visible=gate.open) as feedback_tab:
                feedback_stats = gr.HTML(elem_id="feedback-stats")
                with gr.Row():
                    export_jsonl = gr.Button("导出全部记录（JSONL）", elem_id="export-jsonl")
                    export_csv = gr.Button("导出每个回答的最新评价（CSV）", elem_id="export-csv")
                export_file = gr.File(label="导出文件", interactive=False, height=90, elem_id="export-file")
                feedback_list = gr.HTML(elem_id="feedback-list")
                admin_parts = [feedback_tab, upload_col, remove_btn]
                if workbench is not None:
                    editor, gold_pick = build_gold_editor(app.feedback.read, lambda: Path(assistant.settings.store),
                                                          workbench, gate)
                    admin_parts.append(editor)
            with gr.Tab("命中测试", id="hit-test", visible=gate.open) as hit_tab:
                build_hit_test_tab(lambda: assistant, gate)
            admin_parts.append(hit_tab)
            if workbench is not None:
                with gr.Tab("评测", id="eval", visible=gate.open) as eval_tab:
                    eval_gold = build_eval_tab(lambda: assistant, workbench, gate)
                admin_parts.append(eval_tab)

        corpus = [chatbot, f_sources, docs_table, doc_pick, stats, f_kbs, upload_kb]
        ask_inputs = [question, turns, f_sources, f_from, f_to, f_kbs]
        ask_outputs = [chatbot, turns, sources_panel, question]
        shown = [chatbot, turns, sources_panel]
        demo.load(app.corpus_views, None, corpus, **private)
        demo.load(app.restore, None, [*shown, conversation, conv_list], **private)
        answering = [question.submit(app.respond, ask_inputs, ask_outputs, **private),
                     send.click(app.respond, ask_inputs, ask_outputs, **private),
                     chatbot.example_select(pick_example, None, question, **private).then(
                         app.respond, ask_inputs, ask_outputs, **private),
                     related.click(lambda sample: sample[0], related, question, **private).then(
                         app.respond, ask_inputs, ask_outputs, **private),
                     regenerate.click(app.take_last, turns, [question, turns, chatbot, replace_next], **private).then(
                         app.respond, ask_inputs, ask_outputs, **private)]
        for answered in answering:
            answered.then(app.remember, [turns, conversation, replace_next, f_kbs],
                          [conversation, conv_list, replace_next], **private).then(
                app.suggest, turns, related, **private)
        edit_last.click(app.take_last, turns, [question, turns, chatbot, replace_next], **private)
        # cancel first, then redraw: a redraw in the cancelling event itself can land before the answer's last
        # streamed piece, leaving a half-written "生成中" bubble (tests/test_ui_conversations_browser.py)
        stop.click(None, None, None, cancels=answering, **private).then(
            app.stopped, turns, [chatbot, question], **private)
        for trigger in (new_chat.click, chatbot.clear):
            trigger(app.new_chat, None, [chatbot, turns, sources_panel, feedback_target, feedback_box, conversation,
                                         conv_list, related], **private)
        conv_list.select(app.open_conversation, conv_list, [*shown, conversation, related, f_kbs], **private)
        rename_btn.click(app.rename_conversation, [conversation, conv_title], [conv_list, conv_title], **private)
        export_btn.click(app.export_conversation, [conversation, export_fmt], conv_file, **private)
        delete_btn.click(lambda: gr.update(visible=True), None, confirm_row, **private)
        cancel_delete.click(lambda: gr.update(visible=False), None, confirm_row, **private)
        confirm_delete.click(app.delete_conversation, conversation, [*shown, conversation, conv_list, confirm_row],
                             **private)
        filter_inputs = [f_sources, f_from, f_to, f_kbs]
        for widget in filter_inputs:
            # one at a time, in order: clearing changes four widgets, and the last badge drawn must be the cleared one
            widget.change(filter_badge, filter_inputs, [badge, clear_filters], concurrency_limit=1,
                          concurrency_id="filter-badge", **private)
        clear_filters.click(lambda: ([], None, None, [], "", gr.update(visible=False)), None,
                            [*filter_inputs, badge, clear_filters], **private)
        chatbot.like(app.rate, turns, [feedback_target, feedback_box, feedback_note], **private)
        for trigger in (feedback_text.submit, feedback_send.click):
            trigger(app.comment, [feedback_target, feedback_text, turns], [feedback_text, feedback_box], **private)
        ingest_btn.click(app.ingest, [upload, upload_kb], [ingest_report, upload, *corpus], **private, **WRITES)
        remove_btn.click(lambda: gr.update(visible=True), None, remove_confirm, **private)
        remove_no.click(lambda: gr.update(visible=False), None, remove_confirm, **private)
        remove_yes.click(app.remove, doc_pick, [doc_view, *corpus], **private, **WRITES).then(
            lambda: gr.update(visible=False), None, remove_confirm, **private)
        doc_pick.change(app.view_document, doc_pick, doc_view, **private)
        feedback_tab.select(app.feedback_view, None, [feedback_stats, feedback_list], **private)
        if workbench is not None:
            feedback_tab.select(lambda: gr.update(choices=feedback_choices(app.feedback.read())), None, gold_pick,
                                **private)
            eval_tab.select(lambda: gr.update(choices=workbench.gold_sets(Path(assistant.settings.store))), None,
                            eval_gold, **private)
        if not gate.open:
            demo.load(gate.visibility(len(admin_parts)), None, admin_parts, **private)
        export_jsonl.click(lambda: app.export("jsonl"), None, export_file, **private)
        export_csv.click(lambda: app.export("csv"), None, export_file, **private)
        gr.api(app.ask_api, api_name="ask")
    return demo


def launch_options(max_file_mb: int = 50) -> dict:
    """Theme, CSS, the click-handling script and the upload size limit (the ingest setting max_file_mb);
    Gradio 6 takes these at launch, not in Blocks()."""
    fonts = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]
    theme = gr.themes.Soft(primary_hue="red", neutral_hue="slate", font=fonts,
                           font_mono=["Noto Sans Mono CJK SC", "ui-monospace", "monospace"])
    return {
        "theme": theme,
        "css": (STATIC / "app.css").read_text(encoding="utf-8"),
        "head": f"<script>{(STATIC / 'app.js').read_text(encoding='utf-8')}</script>",
        "footer_links": ["api"],
        "max_file_size": f"{max_file_mb}mb",
    }


def warm_up(assistant: Assistant) -> None:
    """Check the store (problems are logged: an ingest running in another process may look interrupted, so
    repairing is left to `assistant doctor --repair`), and load the embedder and keyword index before
    serving: the first question is not slow, and concurrent first requests never race to initialise the store.
    The common keyword terms' listings are read in the background meanwhile (a few seconds at 100k chunks)."""
    try:
        assistant.check_store()
        assistant.warm_up(listings=True)
        assistant.retrieve("工会", k=1)
    except AssistantError as exc:  # an empty store: nothing to warm
        log.info("warm-up skipped: %s", exc)


def launch_app(assistant: Assistant, host: str, port: int,
               auth: Callable[[str, str], bool] | None = None, workbench: Workbench | None = None,
               roles: dict[str, frozenset[str]] | None = None) -> gr.Blocks:
    """Build the app, warm the assistant up and start serving on host:port without blocking;
    `auth` is the login check (see ui.auth.load_checker), `roles` who is admin (ui.auth.load_roles).
    Returns the running app: call `.block_thread()`."""
    demo = build_app(assistant, workbench=workbench, roles=roles if auth else None)
    warm_up(assistant)
    s = assistant.settings
    throttle = LoginThrottle(s.login_attempts, s.login_window_seconds, s.login_lockout_seconds)
    audit = AuditLog(Path(s.store).expanduser() / AUDIT_FILE)
    guarded = audited_check(throttled_check(auth, throttle), audit) if auth else None
    middleware = [Middleware(ChineseLocaleMiddleware)]
    if auth:
        middleware.append(Middleware(AddressThrottleMiddleware, throttle=throttle))
    app_kwargs = {"middleware": middleware}
    try:
        # serve_concurrency: answers run side by side (measured in bench/concurrency.py); Gradio's default is 1
        demo.queue(default_concurrency_limit=s.serve_concurrency)
        demo.launch(server_name=host, server_port=port, auth=guarded, show_error=False, quiet=True,
                    prevent_thread_lock=True, auth_message="请用工会问答助手的账号登录",
                    app_kwargs=app_kwargs, **launch_options(s.max_file_mb))
    except OSError as exc:
        log.info("cannot listen on %s:%s: %r", host, port, exc)
        raise ConfigError(f"无法在 {host}:{port} 上监听：端口可能已被占用，或这个地址不属于本机；"
                          "请换一个 --port 或 --host") from exc
    return demo
