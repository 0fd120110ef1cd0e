"""Conversations stored server-side per user: they survive a new repository (a reload, a restart), keep
their citations, stay private to their user, and export with sources named by title and file. Every
repository behaviour is proven on both backends: an SQLite file and a real PostgreSQL database
(tests/postgres.py), through open_conversations as the UI opens them."""

from __future__ import annotations

import io

import docx
import pytest

from assistant.conversation_export import render_conversation, to_markdown
from assistant.conversations import NEW_TITLE, ConversationNotFound, SqliteConversations, open_conversations, title_of
from tests.postgres import new_database

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"


@pytest.fixture(scope="module")
def answers(sample_assistant):
    first = sample_assistant.ask(SHIFANG)
    follow = sample_assistant.ask("那南昌呢？", history=[{"role": "user", "content": SHIFANG},
                                                      {"role": "assistant", "content": first.answer}])
    refused = sample_assistant.ask("武汉市总工会建了多少家新就业形态工会？")
    return first, follow, refused


@pytest.fixture(params=["sqlite", "postgres"])
def open_repo(request, tmp_path):
    """Opens the repository of one location (each call: a new process's view of it): a store folder's SQLite
    file, or a fresh PostgreSQL database chosen by a postgresql:// catalog URL."""
    if request.param == "sqlite":
        return lambda: open_conversations(tmp_path / "store")
    url = new_database(request.getfixturevalue("postgres"))
    return lambda: open_conversations(tmp_path / "store", url)


def test_the_backend_follows_the_catalog_url(tmp_path, postgres):
    from assistant.conversations_postgres import PostgresConversations

    assert isinstance(open_conversations(tmp_path), SqliteConversations)
    assert isinstance(open_conversations(tmp_path, new_database(postgres)), PostgresConversations)


def test_a_conversation_comes_back_after_a_restart_with_its_citations(open_repo, answers):
    first, follow, _ = answers
    repo = open_repo()
    c = repo.create("alice", kb="2023年新闻")
    repo.add_turn("alice", c.id, first)
    repo.add_turn("alice", c.id, follow)
    again = open_repo()  # a new process opening the same file or database
    (listed,) = again.list("alice")
    assert listed.title == title_of(SHIFANG) and listed.kb == "2023年新闻"
    turns = again.turns("alice", c.id)
    assert [t.question for t in turns] == [SHIFANG, "那南昌呢？"]
    assert turns[0] == first and turns[0].citations[0].quote == first.citations[0].quote
    assert turns[0].citations[0].passage == first.citations[0].passage


def test_another_users_conversation_is_not_found(open_repo, answers):
    repo = open_repo()
    c = repo.create("alice")
    repo.add_turn("alice", c.id, answers[0])
    bobs = repo.create("bob")
    assert [x.id for x in repo.list("bob")] == [bobs.id] and [x.id for x in repo.list("alice")] == [c.id]
    for call in (lambda: repo.turns("bob", c.id), lambda: repo.delete("bob", c.id), lambda: repo.get("bob", c.id),
                 lambda: repo.rename("bob", c.id, "x"), lambda: repo.add_turn("bob", c.id, answers[0]),
                 lambda: repo.replace_last_turn("bob", c.id, answers[1]), lambda: repo.set_kb("bob", c.id, "x")):
        with pytest.raises(ConversationNotFound, match="找不到这个对话"):
            call()
    assert len(repo.turns("alice", c.id)) == 1 and repo.get("alice", c.id).title == title_of(SHIFANG)


def test_regenerate_replaces_the_last_turn_rename_and_delete(open_repo, answers):
    first, follow, refused = answers
    repo = open_repo()
    c = repo.create("alice")
    assert repo.get("alice", c.id).title == NEW_TITLE
    repo.add_turn("alice", c.id, first)
    repo.add_turn("alice", c.id, refused)
    repo.replace_last_turn("alice", c.id, follow)
    assert [t.question for t in repo.turns("alice", c.id)] == [SHIFANG, "那南昌呢？"]
    assert repo.turns("alice", c.id)[1] == follow  # the replacement, citations and all
    empty = repo.create("alice")
    repo.replace_last_turn("alice", empty.id, first)  # nothing to replace: added, and it names the chat
    assert repo.turns("alice", empty.id) == [first] and repo.get("alice", empty.id).title == title_of(SHIFANG)
    repo.delete("alice", empty.id)
    repo.rename("alice", c.id, "  新就业形态   工会  ")
    assert repo.get("alice", c.id).title == "新就业形态 工会"
    other = repo.create("alice")
    assert [x.id for x in repo.list("alice")][0] == other.id  # most recently used first
    repo.set_kb("alice", other.id, "2024年新闻")
    assert repo.get("alice", other.id).kb == "2024年新闻"
    repo.delete("alice", c.id)
    assert [x.id for x in repo.list("alice")] == [other.id]
    with pytest.raises(ConversationNotFound):
        repo.turns("alice", c.id)  # its turns went with it
    assert [x.id for x in open_repo().list("alice")] == [other.id]


def test_a_long_first_question_is_cut_for_the_title():
    assert title_of("问" * 40) == "问" * 29 + "…"
    assert title_of("   ") == NEW_TITLE


def test_exports_carry_the_sources_by_title_and_file_name(open_repo, answers, sample_store):
    first, _, refused = answers
    repo = open_repo()
    c = repo.create("alice")
    repo.add_turn("alice", c.id, first)
    repo.add_turn("alice", c.id, refused)
    info, turns = repo.get("alice", c.id), repo.turns("alice", c.id)
    md = to_markdown(info, turns)
    assert SHIFANG in md and first.citations[0].quote in md and "000_e5d006b3dd77aca2.txt" in md
    assert refused.refusal_reason in md and "/data/sample/" not in md and str(sample_store) not in md
    document = docx.Document(io.BytesIO(render_conversation(info, turns, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert first.citations[0].quote in text and "/data/sample/" not in text
    assert document.core_properties.title == info.title
